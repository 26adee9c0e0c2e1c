package dashboards

import (
	"context"
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/peerpulse/peerpulse/ingest"
	"github.com/peerpulse/peerpulse/web"
)

// groupNew is GET /console/groups/new.
func (h *handler) groupNew(c *fiber.Ctx) error {
	return h.renderGroupForm(c, fiber.StatusOK, newGroupForm())
}

// groupCreate is POST /console/groups.
func (h *handler) groupCreate(c *fiber.Ctx) error {
	f := parseGroupForm(c)
	g := f.validate()
	if len(f.Errors) > 0 {
		return h.renderGroupForm(c, fiber.StatusUnprocessableEntity, f)
	}
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	if err := h.DB.CreateGroup(ctx, g); err != nil {
		if errors.Is(err, ingest.ErrExists) {
			f.Errors.Add("code", "A group with this code already exists: choose another code")
			return h.renderGroupForm(c, fiber.StatusUnprocessableEntity, f)
		}
		return err
	}
	if err := h.audit(c, "group.create", g.Code, map[string]any{"name": g.Name, "modality": g.Modality}); err != nil {
		return err
	}
	return c.Redirect("/console/groups/"+g.Code, fiber.StatusSeeOther)
}

// groupEdit is GET /console/groups/:group/edit.
func (h *handler) groupEdit(c *fiber.Ctx) error {
	g, err := h.groupRecord(c)
	if err != nil {
		return err
	}
	return h.renderGroupForm(c, fiber.StatusOK, groupFormOf(g))
}

// groupUpdate is POST /console/groups/:group/edit. The code and invite link never change:
// links already shared must keep working.
func (h *handler) groupUpdate(c *fiber.Ctx) error {
	code := strings.Clone(c.Params("group"))
	f := parseGroupForm(c)
	f.Code, f.Editing = code, true
	g := f.validate()
	if len(f.Errors) > 0 {
		return h.renderGroupForm(c, fiber.StatusUnprocessableEntity, f)
	}
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	if err := h.DB.UpdateGroup(ctx, code, g); errors.Is(err, ingest.ErrNotFound) {
		return fiber.ErrNotFound
	} else if err != nil {
		return err
	}
	if err := h.audit(c, "group.update", code, map[string]any{"name": g.Name, "modality": g.Modality,
		"budget": g.FacilitatorMinutesBudget, "capacity": g.Capacity}); err != nil {
		return err
	}
	return c.Redirect("/console/groups/"+code, fiber.StatusSeeOther)
}

// groupClose is POST /console/groups/:group/close: the invite link stops taking
// questionnaires; everything already given stays.
func (h *handler) groupClose(c *fiber.Ctx) error {
	code := strings.Clone(c.Params("group"))
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	if err := h.DB.CloseGroup(ctx, code); errors.Is(err, ingest.ErrNotFound) {
		return fiber.ErrNotFound
	} else if err != nil {
		return err
	}
	if err := h.audit(c, "group.close", code, nil); err != nil {
		return err
	}
	return c.Redirect("/console/groups/"+code, fiber.StatusSeeOther)
}

func (h *handler) renderGroupForm(c *fiber.Ctx, status int, f groupForm) error {
	title := "Add a group"
	if f.Editing {
		title = "Change group " + f.Code
	}
	if len(f.Errors) > 0 {
		title = "Error: " + title
	}
	return h.views.Render(c, status, "group_form", web.Page{Title: title, Data: f})
}

// groupRecord reads the group named by the route's :group, or 404.
func (h *handler) groupRecord(c *fiber.Ctx) (ingest.GroupRecord, error) {
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	g, err := h.DB.GroupRecord(ctx, c.Params("group"))
	if errors.Is(err, ingest.ErrNotFound) {
		return g, fiber.ErrNotFound
	}
	return g, err
}
