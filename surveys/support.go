package surveys

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/peerpulse/peerpulse/ingest"
)

// SupportOption is one place to turn to, shown on the support page (INSTRUMENTS.md §8).
type SupportOption struct {
	Name    string `json:"name"`
	Detail  string `json:"detail"`
	Contact string `json:"contact"`
	URL     string `json:"url,omitempty"`
}

// settingSupport holds the programme's own support options as JSON, replacing the defaults.
const settingSupport = "support_options"

// defaultSupport are NHS staff support services that any English NHS worker can reach.
var defaultSupport = []SupportOption{
	{Name: "NHS Practitioner Health", Detail: "Free, confidential help for doctors, dentists and other healthcare staff with mental health concerns, including stress and burnout. You can refer yourself.", Contact: "0300 0303 300", URL: "https://www.practitionerhealth.nhs.uk"},
	{Name: "Samaritans", Detail: "Someone to talk to, any time of day or night, about whatever is on your mind.", Contact: "Call 116 123 (free, 24 hours)", URL: "https://www.samaritans.org"},
	{Name: "Shout", Detail: "A free, confidential text service for NHS staff, 24 hours a day.", Contact: "Text FRONTLINE to 85258"},
	{Name: "Your GP or occupational health service", Detail: "They can talk with you about how you are feeling and what would help."},
	{Name: "If you feel you might act on thoughts of harming yourself", Detail: "Call 999 or go to A&E now. You can also call NHS 111 and choose the mental health option.", Contact: "999 or NHS 111"},
}

// loadSupport reads the configured support options, or the defaults.
func loadSupport(ctx context.Context, db *ingest.DB) ([]SupportOption, error) {
	v, ok, err := db.Setting(ctx, settingSupport)
	if err != nil || !ok {
		return defaultSupport, err
	}
	var opts []SupportOption
	if err := json.Unmarshal([]byte(v), &opts); err != nil || len(opts) == 0 {
		return nil, fmt.Errorf("programme setting %s must be a JSON list of {name, detail, contact, url}: %v", settingSupport, err)
	}
	return opts, nil
}
