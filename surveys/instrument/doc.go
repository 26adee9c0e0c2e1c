// Package instrument holds the survey instruments of peerpulse as data. Each
// instrument is one JSON file under defs/, embedded in the binary, decoded
// strictly and validated when loaded; the package also parses answers and
// scores them exactly as INSTRUMENTS.md prescribes. Adding an instrument
// needs a new file and no Go code.
//
// Everything a Set returns is shared and must be treated as read-only; a Set
// is safe for concurrent use because nothing in it changes after loading.
//
// # Definition files
//
// The file name without .json is the instrument id. Unknown fields are
// errors, so a misspelt "cutof" cannot silently drop a cut-off.
//
//	{
//	  "id": "cbi", "version": "1", "title": "...", "intro": "...",
//	  "citation": "...", "licence": "...",
//	  "timepoints": ["pre", "post", "followup"],
//	  "option_sets": [
//	    {"id": "F", "labels": ["Never/almost never", ...], "points": [0, 25, 50, 75, 100]}
//	  ],
//	  "items": [
//	    {"id": "cbi_p4", "scale": "cbi_personal", "options": "F", "text": "...",
//	     "reversed": false, "support_codes": [5]}
//	  ],
//	  "scales": [
//	    {"id": "cbi_personal", "title": "...", "items": ["cbi_p1", ...], "min_answered": 3,
//	     "direction": "higher_is_worse", "cutoff": 50, "support_threshold": 75},
//	    {"id": "cbi_patient", ..., "skippable": true, "skip_label": "I don't work directly with patients"},
//	    {"id": "morale", "title": "...", "composite": ["morale_leaving", ...], "direction": "higher_is_better"}
//	  ],
//	  "text_fields": [{"id": "pulse_comment", "label": "...", "max_length": 1000}]
//	}
//
// The answer code of an option is its 1-based position in labels. Items
// without a scale are asked but not scored (the session pulse). Item, scale
// and text field ids are lower-case snake case and unique across all
// instruments, since they become answer keys and columns. A scale lists
// exactly the items that name it, and has either items with min_answered
// between 1 and their number, or composite parts: scales of the same file,
// defined earlier, not themselves composite, running the same direction.
// cutoff and support_threshold must lie within the points the scale can
// score. See validate.go and validate_scale.go for the full list of checks.
package instrument
