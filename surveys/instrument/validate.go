package instrument

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// idPattern keeps ids usable unchanged as form field names, CSV headers and
// DuckDB column names.
var idPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// codePattern matches what ParseAnswer reads as a code, so no label may look
// like one.
var codePattern = regexp.MustCompile(`^[0-9]+$`)

// problems collects everything wrong with one file, so an author can fix a
// definition in one pass rather than one error per start-up.
type problems struct {
	file string
	errs []error
}

func (p *problems) add(format string, args ...any) {
	p.errs = append(p.errs, fmt.Errorf("instrument %s: %s", p.file, fmt.Sprintf(format, args...)))
}

// checkID reports an empty or badly formed id; what names the thing, e.g.
// `items[3]`, because an empty id cannot name it.
func (p *problems) checkID(what, id string) {
	if !idPattern.MatchString(id) {
		p.add("%s: id %q must be lower-case letters, digits and _, starting with a letter", what, id)
	}
}

// validate checks one decoded definition. wantID is the file name without
// .json: requiring the two to agree lets readers find a definition by its id.
func validate(d *defFile, file, wantID string) error {
	p := &problems{file: file}
	p.checkHeader(d, wantID)
	sets := p.checkOptionSets(d.OptionSets)
	items := p.checkItems(d, sets)
	p.checkScales(d, items, sets)
	p.checkTextFields(d.TextFields)
	p.checkDuplicates(d)
	return errors.Join(p.errs...)
}

func (p *problems) checkHeader(d *defFile, wantID string) {
	p.checkID("instrument", d.ID)
	if d.ID != wantID {
		p.add("id %q must match the file name %q", d.ID, wantID)
	}
	required := []struct{ field, value string }{
		{"version", d.Version}, {"title", d.Title}, {"citation", d.Citation}, {"licence", d.Licence},
	}
	for _, r := range required {
		if strings.TrimSpace(r.value) == "" {
			p.add("%s is empty", r.field)
		}
	}
	for i, tp := range d.Timepoints {
		p.checkID(fmt.Sprintf("timepoints[%d]", i), tp)
		if slices.Index(d.Timepoints, tp) < i {
			p.add("timepoint %q is listed twice", tp)
		}
	}
	if len(d.Items) == 0 && len(d.TextFields) == 0 {
		p.add("has no items and no text_fields")
	}
}

// checkOptionSets returns every defined set by id, nil for a broken one:
// items naming a broken set then need no message of their own.
func (p *problems) checkOptionSets(defs []defOptionSet) map[string]*defOptionSet {
	sets := make(map[string]*defOptionSet, len(defs))
	for i := range defs {
		o := &defs[i]
		if o.ID == "" {
			p.add("option_sets[%d]: id is empty", i)
			continue
		}
		if _, dup := sets[o.ID]; dup {
			p.add("option set %q is defined twice", o.ID)
			continue
		}
		sets[o.ID] = nil
		if p.checkOptionSet(o) {
			sets[o.ID] = o
		}
	}
	return sets
}

func (p *problems) checkOptionSet(o *defOptionSet) bool {
	ok := true
	if len(o.Labels) < 2 {
		p.add("option set %q: labels needs at least 2 options, has %d", o.ID, len(o.Labels))
		ok = false
	}
	if len(o.Points) != len(o.Labels) {
		p.add("option set %q: points has %d values but labels has %d", o.ID, len(o.Points), len(o.Labels))
		ok = false
	}
	seen := make(map[string]string, len(o.Labels))
	for i, l := range o.Labels {
		key := strings.ToLower(normalise(l))
		switch {
		case key == "":
			p.add("option set %q: label %d is empty", o.ID, i+1)
		case codePattern.MatchString(key):
			p.add("option set %q: label %q would be read as an answer code", o.ID, l)
		case seen[key] != "":
			p.add("option set %q: labels %q and %q are the same once case and spaces are ignored", o.ID, seen[key], l)
		default:
			seen[key] = l
			continue
		}
		ok = false
	}
	return ok
}

// checkItems returns the items by id, for the scale checks.
func (p *problems) checkItems(d *defFile, sets map[string]*defOptionSet) map[string]*defItem {
	items := make(map[string]*defItem, len(d.Items))
	scaleIDs := make(map[string]bool, len(d.Scales))
	for _, s := range d.Scales {
		scaleIDs[s.ID] = true
	}
	for i := range d.Items {
		it := &d.Items[i]
		p.checkID(fmt.Sprintf("items[%d]", i), it.ID)
		items[it.ID] = it
		if strings.TrimSpace(it.Text) == "" {
			p.add("item %q: text is empty", it.ID)
		}
		if it.Scale != "" && !scaleIDs[it.Scale] {
			p.add("item %q: scale %q does not exist", it.ID, it.Scale)
		}
		set, defined := sets[it.Options]
		if !defined {
			p.add("item %q: options %q is not a defined option set", it.ID, it.Options)
		}
		if set == nil {
			continue
		}
		for _, c := range it.SupportCodes {
			if c < 1 || c > len(set.Labels) {
				p.add("item %q: support_codes: %d is outside 1..%d", it.ID, c, len(set.Labels))
			}
		}
	}
	return items
}

func (p *problems) checkTextFields(fields []defTextField) {
	for i, f := range fields {
		p.checkID(fmt.Sprintf("text_fields[%d]", i), f.ID)
		if strings.TrimSpace(f.Label) == "" {
			p.add("text field %q: label is empty", f.ID)
		}
		if f.MaxLength < 1 {
			p.add("text field %q: max_length %d must be at least 1", f.ID, f.MaxLength)
		}
	}
}

// checkDuplicates enforces one namespace for item, scale and text field ids
// within a file, because all of them become columns side by side. Load
// extends the same rule across files.
func (p *problems) checkDuplicates(d *defFile) {
	owner := make(map[string]string)
	for _, k := range defIDs(d) {
		if prev, dup := owner[k.id]; dup {
			p.add("%s %q: id is also used by an earlier %s", k.kind, k.id, prev)
			continue
		}
		owner[k.id] = k.kind
	}
}

type kindID struct{ kind, id string }

// defIDs lists the ids sharing one namespace, in file order.
func defIDs(d *defFile) []kindID {
	var ids []kindID
	for _, it := range d.Items {
		ids = append(ids, kindID{"item", it.ID})
	}
	for _, s := range d.Scales {
		ids = append(ids, kindID{"scale", s.ID})
	}
	for _, f := range d.TextFields {
		ids = append(ids, kindID{"text field", f.ID})
	}
	return ids
}
