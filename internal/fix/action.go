package fix

import (
	"strings"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// Action names a repair pvo-doctor knows how to apply over SSH.
type Action string

const (
	ActionResume          Action = "resume"
	ActionResumeTransfers Action = "resumetransfers"
	ActionDeliveryAuto    Action = "deliveryconfig_auto"
	ActionOutboundCiphers Action = "sslconfig_outbound_ciphers"
)

// SafeCiphers is what the outbound-ciphers fix sets when the finding
// names nothing else: Cisco's fix for case 4, everything the old default
// allowed except the anonymous suites and SSLv2.
const SafeCiphers = "HIGH:MEDIUM:ALL:-aNULL:-SSLv2"

// Params are an action's typed parameters.
type Params struct {
	// Ciphers is the outbound cipher string to set; "" means SafeCiphers.
	Ciphers string
	// Method is the outbound TLS method the fix keeps, as sslconfig shows
	// it; "" when the release shows none.
	Method string
}

func (p Params) ciphers() string {
	if c := strings.TrimSpace(p.Ciphers); c != "" {
		return c
	}
	return SafeCiphers
}

// Definition is one fix action, defined once: what it runs where, its
// dialog, how it is verified, whether its setting's cluster level decides
// where it runs, and everything said about it (the rule's steps in words,
// the plan, the help texts) is rendered from it.
type Definition struct {
	Action Action
	Role   facts.Role // the appliance it runs on
	// Setting is the setting whose cluster level decides where the change
	// is made; "" for a runtime action such as resume.
	Setting facts.Setting
	// Explicit actions are applied only when the user names the rule
	// (--fix-rule): a backup SMA's transfers are suspended on purpose.
	Explicit bool
	// Help says what it does in a few words, for --help and `rules`.
	Help string
	// Title is its part of the plan's headings and of the commit comment;
	// "" for an action that needs no commit.
	Title string
	// readBack shows the setting a committed change made, and holds says
	// whether what it shows is the change: how a commit whose reply was
	// lost is established. Both unset for an action with no commit.
	readBack string
	holds    func(Params, *facts.Appliance) Reading
	summary  func(Params) string
	steps    func(Params) []string
	commands func(Params) []Command
}

// Summary is the fix in one sentence, for the report.
func (d Definition) Summary(p Params) string { return d.summary(p) }

// Steps are the fix as a person would type it, for the report.
func (d Definition) Steps(p Params) []string { return d.steps(p) }

// Commands are the dialogs the fix types and the output that verifies it.
func (d Definition) Commands(p Params) []Command { return d.commands(p) }

// Reading is a setting read back after a commit.
type Reading struct {
	Known bool   // the output showed the setting
	Holds bool   // it has the value the fix sets
	Line  string // the setting as the appliance showed it
}

// ReadBack is the command that shows the setting the action changes; ""
// for an action with no commit.
func (d Definition) ReadBack() string { return d.readBack }

// Holds reads the setting from what ReadBack's command showed, parsed.
func (d Definition) Holds(p Params, a *facts.Appliance) Reading {
	if d.holds == nil || a == nil {
		return Reading{}
	}
	return d.holds(p, a)
}

// NeedsCommit reports whether the action ends with a commit.
func (d Definition) NeedsCommit() bool { return d.Title != "" }

// Lookup finds an action's definition.
func Lookup(a Action) (Definition, bool) {
	for _, d := range Definitions() {
		if d.Action == a {
			return d, true
		}
	}
	return Definition{}, false
}

// Definitions lists every action pvo-doctor applies, in help order.
func Definitions() []Definition {
	return []Definition{resume, deliveryAuto, outboundCiphers, resumeTransfers}
}

var resume = Definition{
	Action: ActionResume,
	Role:   facts.RoleSMA,
	Help:   "resume on the SMA",
	summary: func(Params) string {
		return "Run `resume` on the SMA to restart its listeners; no commit is needed."
	},
	steps: func(Params) []string { return []string{"resume", "status (expect System status: Online)"} },
	commands: func(Params) []Command {
		return []Command{
			{Line: "resume", Evidence: `(?mi)^.*(resumed|no listeners|cannot resume).*$`},
			{Line: "status", Want: `(?mi)^\s*System status:\s*Online\s*$`, WantText: "System status: Online"},
		}
	},
}

var resumeTransfers = Definition{
	Action:   ActionResumeTransfers,
	Role:     facts.RoleSMA,
	Explicit: true,
	Help:     "resumetransfers on the SMA (only with --fix-rule PVO-105)",
	summary: func(Params) string {
		return "Run `resumetransfers` on the SMA, unless it is a backup SMA meant to stay passive; no commit is needed."
	},
	steps: func(Params) []string {
		return []string{"resumetransfers", "status detail (expect Centralized transfers: Active)"}
	},
	commands: func(Params) []Command {
		return []Command{
			{Line: "resumetransfers", Want: `(?i)transfers (resumed|are not suspended)`, WantText: "Transfers resumed."},
			{Line: "status detail", Want: `(?mi)^\s*Centralized transfers:\s*Active\s*$`, WantText: "Centralized transfers: Active"},
		}
	},
}

var deliveryAuto = Definition{
	Action:   ActionDeliveryAuto,
	Role:     facts.RoleESA,
	Setting:  facts.SettingDelivery,
	Help:     "deliveryconfig Auto on an ESA",
	Title:    "default delivery interface Auto",
	summary:  func(Params) string { return "Set the ESA's default delivery interface to Auto, then commit." },
	readBack: "deliveryconfig",
	holds: func(_ Params, a *facts.Appliance) Reading {
		if a.Delivery == nil || a.Delivery.DefaultInterface == "" || a.Delivery.Incomplete != "" {
			return Reading{}
		}
		return Reading{Known: true, Holds: strings.EqualFold(strings.TrimSpace(a.Delivery.DefaultInterface), "Auto"), Line: "Default interface to deliver mail: " + a.Delivery.DefaultInterface}
	},
	steps: func(Params) []string { return DeliverySteps("Auto") },
	commands: func(Params) []Command {
		return []Command{{Line: "deliveryconfig", Steps: []Step{
			{Expect: `(?i)choose the operation`, Question: "Choose the operation you want to perform", Answer: "SETUP"},
			{Expect: `(?i)default interface to deliver`, Question: "Choose the default interface to deliver mail", Choose: "Auto", Why: "the item labelled Auto, whatever its number"},
			{Expect: `(?i)possible delivery`, Question: `Enable "Possible Delivery"`, Default: true, Why: "keep the current value"},
			{Expect: `(?i)wide maximum outbound`, Question: "default system wide maximum outbound message delivery concurrency", Default: true, Why: "keep the current value"},
			{Expect: `(?i)wide TLS maximum outbound`, Question: "default system wide TLS maximum outbound message delivery concurrency", Default: true, Optional: true, Why: "keep the current value; 11.0 and later ask it"},
			{Expect: `(?i)choose the operation`, Question: "Choose the operation you want to perform", Default: true, Why: "leave deliveryconfig"},
		}}}
	},
}

// DeliverySteps is deliveryconfig SETUP choosing iface, in words; a rule
// that advises another interface than Auto says it the same way.
func DeliverySteps(iface string) []string {
	return []string{
		"deliveryconfig",
		"SETUP",
		`choose ` + iface + ` at "Choose the default interface to deliver mail"`,
		"answer the other questions with their current values (press Enter)",
		"press Enter to leave deliveryconfig",
		"commit",
	}
}

var outboundCiphers = Definition{
	Action:  ActionOutboundCiphers,
	Role:    facts.RoleESA,
	Setting: facts.SettingOutboundTLS,
	Help:    "sslconfig outbound ciphers on an ESA",
	Title:   "remove anonymous outbound ciphers",
	summary: func(p Params) string {
		return "Remove anonymous suites from the ESA's outbound ciphers: " + p.ciphers() + ", then commit."
	},
	readBack: "sslconfig",
	holds: func(p Params, a *facts.Appliance) Reading {
		svc := a.SSL.Service("outbound")
		if svc == nil || svc.Ciphers == "" || a.SSL.Incomplete != "" {
			return Reading{}
		}
		return Reading{Known: true, Holds: svc.Ciphers == p.ciphers(), Line: svc.Name + " ciphers: " + svc.Ciphers}
	},
	steps: func(p Params) []string {
		method := "keep the current method (press Enter at the method prompt, where there is one)"
		if p.Method != "" {
			method = "keep the current method " + p.Method + " (press Enter at the method prompt)"
		}
		return []string{
			"sslconfig",
			"OUTBOUND",
			method,
			"enter the cipher string " + p.ciphers(),
			"answer any further question with its default (press Enter)",
			"press Enter to leave sslconfig",
			"commit",
		}
	},
	commands: func(p Params) []Command {
		method := "keep the current method"
		if m := strings.TrimSpace(p.Method); m != "" {
			method += " " + m
		}
		return []Command{{Line: "sslconfig", Steps: []Step{
			{Expect: `(?i)choose the operation`, Question: "Choose the operation you want to perform", Answer: "OUTBOUND"},
			{Expect: `(?i)outbound smtp ssl method`, Question: "Enter the outbound SMTP ssl method you want to use", Default: true, Optional: true, Why: method + "; releases before 12.0 ask it"},
			{Expect: `(?i)outbound smtp ssl cipher`, Question: "Enter the outbound SMTP ssl cipher you want to use", Answer: p.ciphers()},
			{Expect: `(?i)renegotiation`, Question: "Do you want to enable TLS renegotiation for outbound SMTP?", Default: true, Optional: true, Why: "keep the current value; 12.0 and later ask it"},
			{Expect: `(?i)choose the operation`, Question: "Choose the operation you want to perform", Default: true, Why: "leave sslconfig"},
		}}}
	},
}

// ParamsFrom reads the parameters a finding carries as text (the report's
// JSON keeps them as a map).
func ParamsFrom(m map[string]string) Params {
	return Params{Ciphers: m["ciphers"], Method: m["method"]}
}

// Map is p as the report's JSON keeps it, for the actions that take any.
func (d Definition) Map(p Params) map[string]string {
	if d.Action != ActionOutboundCiphers {
		return nil
	}
	return map[string]string{"ciphers": p.ciphers(), "method": p.Method}
}
