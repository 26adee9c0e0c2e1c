package demo

// The demo's vocabulary: realistic but invented. No name here belongs to an attendee; group
// facilitators are staff and the names are made up.

// modalityPlan is how many of the 50 demo groups run each modality, and the code prefix used.
var modalityPlan = []struct {
	modality, prefix, label string
	groups                  int
	professions             []string
}{
	{"balint", "BAL", "Balint group", 10, []string{"GP", "GP trainee"}},
	{"reflective_practice", "RP", "Reflective practice", 9, []string{"multi-professional", "nursing", "midwifery"}},
	{"action_learning_set", "ALS", "Action learning set", 8, []string{"pharmacy", "GP", "multi-professional"}},
	{"early_career", "EC", "Early-career group", 7, []string{"GP trainee", "nursing", "midwifery"}},
	{"restorative_supervision", "RS", "Restorative supervision", 6, []string{"midwifery", "nursing", "early pregnancy care"}},
	{"mindfulness", "MF", "Mindfulness-based peer group", 4, []string{"multi-professional"}},
	{"coaching", "CO", "Peer coaching circle", 3, []string{"GP", "pharmacy"}},
	{"other", "OT", "Professional Pause", 3, []string{"early pregnancy care", "perinatal mental health"}},
}

// regions are the seven NHS England regions, each with places to name groups after.
var regions = []struct {
	name   string
	places []string
}{
	{"North East and Yorkshire", []string{"Leeds", "Sheffield", "Newcastle", "Hull", "York"}},
	{"North West", []string{"Manchester", "Liverpool", "Lancaster", "Bolton", "Chester"}},
	{"Midlands", []string{"Birmingham", "Nottingham", "Leicester", "Derby", "Stoke"}},
	{"East of England", []string{"Norwich", "Cambridge", "Ipswich", "Peterborough", "Luton"}},
	{"London", []string{"Camden", "Lambeth", "Hackney", "Croydon", "Ealing"}},
	{"South East", []string{"Brighton", "Oxford", "Reading", "Canterbury", "Portsmouth"}},
	{"South West", []string{"Bristol", "Exeter", "Plymouth", "Bath", "Truro"}},
}

var cadences = []string{"weekly", "fortnightly", "fortnightly", "monthly", "monthly", "block"}

var facilitators = []string{"Dr Amara Okafor", "Dr Ben Hughes", "Carys Morgan", "Dr Deepa Raman",
	"Eilidh Fraser", "Dr Farhan Siddiqui", "Grace Mensah", "Hannah Lowe", "Dr Imran Qureshi",
	"Joanna Price", "Dr Kofi Asante", "Lucy Whitfield", "Dr Mei Chen", "Niamh O'Brien",
	"Dr Olu Adebayo", "Priya Nair", "Dr Rachel Stein", "Sian Edwards", "Dr Tom Gallagher", "Uma Patel"}

// topics per modality: what a session might take as its theme.
var topics = map[string][]string{
	"balint": {"A patient who stays with me", "The heartsink consultation", "When the family disagrees",
		"Uncertainty and referral", "The doctor as drug", "Endings and bereavement", "The patient who makes me angry",
		"Boundaries in a small community", "Repeat attenders", "When I made a mistake", "Gifts and gratitude", "Saying no"},
	"reflective_practice": {"A shift that went wrong", "Compassion fatigue", "Speaking up", "Handovers",
		"Caring for a colleague", "Moral distress", "Time pressure and safety", "A good day at work",
		"Working with families", "Change in the team", "Learning from complaints", "Self-care that works"},
	"action_learning_set": {"Managing the workload", "Leading a small team", "Improving a clinic",
		"Getting heard by managers", "Making time for learning", "Difficult conversations", "Rota design",
		"Prioritising requests", "Introducing a new service", "Delegation", "Measuring what matters", "Next steps"},
	"early_career": {"Imposter feelings", "First on-call", "Making decisions alone", "Asking for help",
		"Career choices", "Feedback that stung", "Rest and rotas", "A memorable patient", "Exams and life",
		"Moving between teams", "Finding a mentor", "Looking back on the year"},
	"restorative_supervision": {"A birth that stays with me", "Staffing on the ward", "When care is rushed",
		"Supporting students", "After an incident", "Joy in the work", "Conflict in the team",
		"Looking after myself", "Families in crisis", "Holding uncertainty", "Pride in practice", "Moving on"},
	"mindfulness": {"Pausing between patients", "Breath and busy clinics", "Noticing stress early",
		"Kindness to self", "Difficult emotions", "Sleep", "Mindful handovers", "Acceptance", "Gratitude",
		"Bringing it to work", "Staying with discomfort", "Keeping the practice going"},
	"coaching": {"What I want from work", "Values and choices", "Energy audit", "Saying yes, saying no",
		"Career crossroads", "Strengths", "Time and priorities", "Resilience myths", "Negotiating",
		"Goals for the year", "Celebrating progress", "Sustaining change"},
	"other": {"Holding grief at work", "After a loss", "Talking with parents", "When scans bring bad news",
		"The team around the patient", "Taking a pause", "What helps on hard days", "Boundaries",
		"Recognition", "Rest", "Looking ahead", "What we keep"},
}

// comments are pulse comments written in the style attendees use; none is a real quote.
var comments = []string{
	"Really helpful to hear that others feel the same.",
	"Felt safe to talk about a difficult case.",
	"Would like a bit more time at the end.",
	"Hard to get away from clinic for this.",
	"The facilitator kept us on track, thank you.",
	"Good to have protected time.",
	"Quieter session today but still useful.",
	"I left feeling lighter.",
	"Would recommend to colleagues in my practice.",
	"The room was too noisy to concentrate.",
}

// attendeeProfessions are the coarse descriptors a multi-professional group's attendees give.
var attendeeProfessions = []string{"GP", "nurse", "midwife", "pharmacist", "GP trainee"}

var careerStages = []string{"trainee", "early career", "mid career", "mid career", "late career"}

// codeAlphabet leaves out characters people confuse on a phone or on paper (0/O, 1/I/L, 2/Z, 5/S, 8/B, 6/G).
const codeAlphabet = "ACDEFHJKMNPRTUVWXY3479"
