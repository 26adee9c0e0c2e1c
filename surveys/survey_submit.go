package surveys

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/surveys/instrument"
	"github.com/peerpulse/peerpulse/web"
)

// surveySubmit stores a completed questionnaire and redirects (303) to the thank-you page,
// or to the support page when the answers cross the safeguarding thresholds. A doubled
// submit carries the same client id, so Service.Submit stores it once and answers the same.
func (h *handler) surveySubmit(ctx context.Context, c *fiber.Ctx, inv Invite, token, code string, f *surveyForm) error {
	pages := h.plans[f.Timepoint]
	// The answers of earlier pages came back from the browser: check them all again.
	if i, errs := firstInvalidPage(pages, f); i >= 0 {
		return h.renderPage(c, inv, token, f, i+1, errs)
	}
	sub := f.submission(pages)
	sub.InviteToken, sub.ParticipantCode = token, code
	res, err := h.svc.Submit(ctx, sub)
	var verr *ValidationError
	switch {
	case errors.As(err, &verr):
		i, errs := pageOfErrors(pages, verr.Fields)
		return h.renderPage(c, inv, token, f, i+1, errs)
	case busy(err):
		hidden := append([]hiddenField{{"tp", f.Timepoint}, {"page", strconv.Itoa(len(pages))},
			{"client_id", f.ClientID}}, f.hidden(nil)...)
		return h.renderBusy(c, busyView{basePage: basePage{Token: token, GroupName: inv.GroupName},
			Action: surveyURL(token, "/survey"), Button: "Submit answers", Hidden: hidden})
	case err != nil:
		return err
	}
	if res.NeedsSupport {
		return c.Redirect(surveyURL(token, "/support"), fiber.StatusSeeOther)
	}
	return c.Redirect(surveyURL(token, "/thanks?tp=", f.Timepoint), fiber.StatusSeeOther)
}

// pageOfErrors turns the service's field errors ("answers.cbi_p1", "texts.x", "profession")
// into form errors and picks the first page they concern. Errors about no question (they
// need a crafted post) go on the last page, linked to the main content.
func pageOfErrors(pages []surveyPage, fields []instrument.FieldError) (int, []web.FieldError) {
	page := len(pages) - 1
	byPage := map[int][]web.FieldError{}
	for _, fe := range fields {
		id := strings.TrimPrefix(strings.TrimPrefix(fe.Field, "answers."), "texts.")
		i := pageOf(pages, id)
		if i < 0 {
			i, id = len(pages)-1, "maincontent"
		}
		page = min(page, i)
		byPage[i] = append(byPage[i], web.FieldError{Field: id, Message: fe.Message})
	}
	return page, byPage[page]
}
