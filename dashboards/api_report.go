package dashboards

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/dashboards/workbook"
	"github.com/peerpulse/peerpulse/web"
)

// reportTimeout bounds one workbook: a 10⁶-row Responses sheet takes tens of seconds.
const reportTimeout = 15 * time.Minute

// apiReport is GET /api/v1/reports/{funder|evaluator}.xlsx for `peerpulse report` while the
// server holds the database. The workbook is built into a temporary file first, so a failure is
// a problem+json answer rather than a truncated download, and memory stays flat however large
// the Responses sheet. A caller may ask for a larger min_cell than the configured one, never a
// smaller. Every export is audit-logged.
func (h *handler) apiReport(c *fiber.Ctx) error {
	return h.sendReport(c, strings.Clone(c.Params("kind")))
}

// report is GET /reports/{kind}.xlsx for staff: the same workbook as the API, at the
// viewer's threshold (the funder threshold for funders), with the dashboards' filters.
func (h *handler) report(kind string) fiber.Handler {
	return func(c *fiber.Ctx) error { return h.sendReport(c, kind) }
}

func (h *handler) sendReport(c *fiber.Ctx, kind string) (err error) {
	floor := h.minCellFor(viewer(c))
	write := workbook.Evaluator
	switch kind {
	case "evaluator":
	case "funder":
		floor, write = max(h.MinCellFunder, workbook.DefaultFunderMinCell), workbook.Funder
	default:
		return web.NewProblem(fiber.StatusNotFound, "No such report.", web.FieldError{Field: "kind", Message: "use funder or evaluator"})
	}
	f, _, err := h.parseFilters(c)
	if err != nil {
		return err
	}
	minCell, err := askedMinCell(c, floor)
	if err != nil {
		return err
	}
	o := workbook.Options{Programme: h.Programme, Comparison: f.Comparison, MinCell: minCell, Filter: f.analysisFilter(),
		Responses: c.QueryBool("responses")}
	if o.Responses && kind != "evaluator" {
		return web.NewProblem(fiber.StatusBadRequest, "Responses are in the evaluator workbook only.", web.FieldError{Field: "responses", Message: "only with evaluator"})
	}
	ctx, cancel := context.WithTimeout(context.Background(), reportTimeout)
	defer cancel()
	tmp, err := os.CreateTemp("", "peerpulse-report-*.xlsx")
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	// Unlinked at once: the open file lives until the response has been sent and closes it.
	os.Remove(tmp.Name())
	defer func() {
		if err != nil {
			tmp.Close()
		}
	}()
	if err = write(ctx, tmp, h.DB, h.Instruments, o); err != nil {
		return err
	}
	err = h.audit(c, "report.export", kind+".xlsx", map[string]any{"comparison": o.Comparison, "min_cell": o.MinCell, "modality": o.Filter.Modality,
		"region": o.Filter.Region, "profession": o.Filter.Profession, "responses": o.Responses})
	if err != nil {
		return err
	}
	if err = sendAttachment(c, tmp, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", kind+".xlsx"); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// attachment is a file to send whole: an *os.File, or one that cleans up after itself when
// the response closes it.
type attachment interface {
	io.ReadSeekCloser
	Stat() (fs.FileInfo, error)
}

// sendAttachment streams f from its start as a download called name. The response closes f once
// sent; the caller closes it only when this returns an error, which it does before setting any
// header.
func sendAttachment(c *fiber.Ctx, f attachment, contentType, name string) error {
	info, err := f.Stat()
	if err != nil {
		return err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	return c.SendStream(f, int(info.Size()))
}
