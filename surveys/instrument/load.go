package instrument

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// defaults holds the shipped definitions (INSTRUMENTS.md §1-3). It is read
// only, so embedding it is not global mutable state.
//
//go:embed defs/*.json
var defaults embed.FS

// Set is a validated collection of instruments whose item, scale and text
// field ids are unique across all of them, so an id alone finds its owner.
type Set struct {
	instruments []*Instrument
	byID        map[string]*Instrument
	items       map[string]*Instrument
	scales      map[string]*Instrument
}

// Load returns the embedded default instruments. It fails only if a shipped
// definition is broken, which the package tests rule out.
func Load() (*Set, error) {
	return LoadFS(defaults, "defs")
}

// LoadFS reads every *.json file in dir of fsys, in file name order, as one
// instrument definition. All problems in all files are reported together,
// each naming its file, so a broken definition is fixed in one pass.
func LoadFS(fsys fs.FS, dir string) (*Set, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("instrument definitions: %w", err)
	}
	s := &Set{
		byID:   make(map[string]*Instrument),
		items:  make(map[string]*Instrument),
		scales: make(map[string]*Instrument),
	}
	owner := make(map[string]string) // item, scale or text field id -> file
	var errs []error
	for _, e := range entries { // fs.ReadDir sorts by file name
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".json") {
			continue
		}
		file := path.Join(dir, name)
		in, err := loadFile(fsys, file, strings.TrimSuffix(name, ".json"))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		errs = append(errs, s.add(in, owner)...)
	}
	if len(s.instruments) == 0 && len(errs) == 0 {
		return nil, fmt.Errorf("instrument definitions: no *.json files in %s", dir)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return s, nil
}

func loadFile(fsys fs.FS, file, wantID string) (*Instrument, error) {
	data, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, fmt.Errorf("instrument %s: %w", file, err)
	}
	d, err := decodeDef(data)
	if err != nil {
		return nil, fmt.Errorf("instrument %s: %w", file, err)
	}
	if err := validate(d, file, wantID); err != nil {
		return nil, err
	}
	return build(d, file), nil
}

// add indexes in, reporting ids already claimed by an earlier file. Ids
// share one namespace because they all end up as answer keys and columns.
func (s *Set) add(in *Instrument, owner map[string]string) []error {
	var errs []error
	claim := func(kind, id string) {
		if prev, dup := owner[id]; dup {
			errs = append(errs, fmt.Errorf("instrument %s: %s %q: id already used in %s", in.File, kind, id, prev))
			return
		}
		owner[id] = in.File
	}
	for _, it := range in.Items {
		claim("item", it.ID)
		s.items[it.ID] = in
	}
	for _, sc := range in.Scales {
		claim("scale", sc.ID)
		s.scales[sc.ID] = in
	}
	for _, f := range in.TextFields {
		claim("text field", f.ID)
	}
	s.instruments = append(s.instruments, in)
	s.byID[in.ID] = in
	return errs
}

// Get returns the instrument with the given id.
func (s *Set) Get(id string) (*Instrument, bool) {
	in, ok := s.byID[id]
	return in, ok
}

// All returns every instrument in file name order. The slice is a copy; the
// instruments are shared.
func (s *Set) All() []*Instrument {
	return append([]*Instrument(nil), s.instruments...)
}

// Item finds an item by id in any instrument.
func (s *Set) Item(itemID string) (*Instrument, *Item, bool) {
	in, ok := s.items[itemID]
	if !ok {
		return nil, nil, false
	}
	it, _ := in.Item(itemID)
	return in, it, true
}

// Scale finds a scale by id in any instrument.
func (s *Set) Scale(scaleID string) (*Instrument, *Scale, bool) {
	in, ok := s.scales[scaleID]
	if !ok {
		return nil, nil, false
	}
	sc, _ := in.Scale(scaleID)
	return in, sc, true
}

// ForTimepoint returns the instruments asked at timepoint tp by default, in
// file name order. The programme configuration may override this choice.
func (s *Set) ForTimepoint(tp string) []*Instrument {
	var out []*Instrument
	for _, in := range s.instruments {
		if in.AskedAt(tp) {
			out = append(out, in)
		}
	}
	return out
}

// Asked returns the instruments asked at timepoint tp: those named (space-separated) by the
// programme's setting when it is set, else each definition's own timepoints. An unknown id is
// an error, so a mistyped setting stops start-up instead of surprising an attendee.
func (s *Set) Asked(tp, setting string, isSet bool) ([]*Instrument, error) {
	if !isSet {
		return s.ForTimepoint(tp), nil
	}
	var out []*Instrument
	for _, id := range strings.Fields(setting) {
		in, found := s.Get(id)
		if !found {
			return nil, fmt.Errorf("programme setting instruments.%s names unknown instrument %q", tp, id)
		}
		out = append(out, in)
	}
	return out, nil
}
