package diagnose

import (
	"testing"

	"github.com/pvo-doctor/pvo-doctor/internal/facts"
)

// A session that never showed its hostname (outputs pasted without
// prompts) files its per-machine reads under its file name: coverage
// finds them there, as the rules do.
func TestReadFoundWithoutHostname(t *testing.T) {
	a := &facts.Appliance{Role: facts.RoleESA, Address: "paste.txt",
		FeatureKeys: map[string]*facts.FeatureKeys{"paste.txt": {Machine: "paste.txt"}},
		Interfaces:  map[string]*facts.Interfaces{"paste.txt": {Machine: "paste.txt"}}}
	site := &facts.Site{ESAs: []*facts.Appliance{a}}
	for _, read := range []string{"featurekey", "interfaceconfig"} {
		if !readFound(site, a, read, false) {
			t.Errorf("%s filed under the file name is not found", read)
		}
	}
	if readFound(site, a, "sslconfig", false) {
		t.Error("sslconfig found though never read")
	}
}
