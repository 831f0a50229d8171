package inventory

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const twoSites = `# two sites
sites:
  prod:
    user: admin
    password_env: PROD_PW
    jump: ops@bastion.example.com
    sma:
      host: sma.example.com
      password_env: SMA_PW
    esas:
      - mx1.example.com
      - host: mx2.example.com
        port: 2222
        user: operator
        jump: none
    clusters:
      - name: east
        user: clusteradmin
        members:
          - esa3.example.com
          - host: esa4.example.com
            password_env: ESA4_PW
  lab:
    esas: [root@10.0.0.9:2200]
`

func parse(t *testing.T, text string) *Inventory {
	t.Helper()
	inv, err := Parse("site.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

func TestParseSitesDefaultsAndClusters(t *testing.T) {
	inv := parse(t, twoSites)
	if got := strings.Join(inv.SiteNames(), ","); got != "prod,lab" {
		t.Fatalf("sites %s", got)
	}
	prod, err := inv.Site("prod")
	if err != nil {
		t.Fatal(err)
	}
	want := []Appliance{
		{Role: "esa", Host: "mx1.example.com", User: "admin", PasswordEnv: "PROD_PW", Jump: "ops@bastion.example.com", At: "site.yaml:11"},
		{Role: "esa", Host: "mx2.example.com", Port: 2222, User: "operator", PasswordEnv: "PROD_PW", Jump: "none", At: "site.yaml:12"},
		{Role: "esa", Host: "esa3.example.com", User: "clusteradmin", PasswordEnv: "PROD_PW", Jump: "ops@bastion.example.com", Cluster: "east", At: "site.yaml:20"},
		{Role: "esa", Host: "esa4.example.com", User: "clusteradmin", PasswordEnv: "ESA4_PW", Jump: "ops@bastion.example.com", Cluster: "east", At: "site.yaml:21"},
	}
	if len(prod.ESAs) != len(want) {
		t.Fatalf("ESAs %+v", prod.ESAs)
	}
	for i := range want {
		if prod.ESAs[i] != want[i] {
			t.Errorf("ESA %d:\n got %+v\nwant %+v", i, prod.ESAs[i], want[i])
		}
	}
	if s := prod.SMA; s == nil || s.Host != "sma.example.com" || s.PasswordEnv != "SMA_PW" || s.User != "admin" || s.Role != "sma" {
		t.Errorf("SMA %+v", prod.SMA)
	}
	if len(prod.Clusters) != 1 || strings.Join(prod.Clusters[0].Members, ",") != "esa3.example.com:22,esa4.example.com:22" {
		t.Errorf("clusters %+v", prod.Clusters)
	}
	lab, _ := inv.Site("lab")
	if len(lab.ESAs) != 1 || lab.ESAs[0].Spec() != "root@10.0.0.9:2200" || lab.SMA != nil {
		t.Errorf("lab %+v", lab)
	}
	if _, err := inv.Site(""); err == nil || !strings.Contains(err.Error(), "--site") || !strings.Contains(err.Error(), "prod, lab") {
		t.Errorf("no --site with two sites: %v", err)
	}
	if _, err := inv.Site("dev"); err == nil || !strings.Contains(err.Error(), `no site "dev"`) {
		t.Errorf("unknown site: %v", err)
	}
	one := parse(t, "sites:\n  only:\n    sma: sma1\n")
	if s, err := one.Site(""); err != nil || s.Name != "only" {
		t.Errorf("the only site: %v", err)
	}
}

func TestBadEntriesNameTheLine(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"sites:\n  a:\n    esas:\n      - host: mx1\n        hots: x\n", `site.yaml:5: unknown key "hots" in site a esa`},
		{"sites:\n  a:\n    smas: x\n", `site.yaml:3: unknown key "smas" in site a`},
		{"site:\n  a: {}\n", `site.yaml:1: unknown key "site" in inventory`},
		{"sites:\n  a:\n    esas:\n      - host: mx1\n        port: 70000\n", "site.yaml:5: site a esa port \"70000\""},
		{"sites:\n  a:\n    password_env: hunter2!\n    sma: s\n", "site.yaml:3: site a password_env"},
		{"sites:\n  a:\n    esas:\n      - mx1\n      - MX1:22\n", "site.yaml:5: mx1:22 is named twice in site a (first at site.yaml:4)"},
		{"sites:\n  a:\n    sma: mx1\n    clusters:\n      - name: c\n        members: [mx1]\n", "site.yaml:6: mx1:22 is named twice"},
		{"sites:\n  a:\n    esas:\n      - host: mx1\n        jump: \"@b\"\n", "site.yaml:5: site a esa jump"},
		{"sites:\n  a:\n    clusters:\n      - members: [x]\n", "site.yaml:4: site a cluster: no name:"},
		{"sites:\n  a:\n    clusters:\n      - name: c\n", "site.yaml:4: site a cluster c: want members:"},
		{"sites:\n  a: {}\n", "site.yaml:2: site a names no appliance"},
		{"sites:\n  a:\n    esas: mx1\n", "site.yaml:3: site a esas: want a list"},
		{"sites:\n  a:\n    esas:\n      - user@\n", "site.yaml:4: site a esa"},
		{"sites: [\n", "site.yaml:"},
		{"sites:\n  a:\n    sma: x\n  a:\n    sma: y\n", `site.yaml:4: "a" is given twice in sites (first at line 2)`},
		{"sites:\n  a:\n    sma: x\n    sma: y\n", `site.yaml:4: "sma" is given twice`},
		{"", "empty inventory"},
	} {
		_, err := Parse("site.yaml", []byte(tc.text))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q:\n got %v\nwant %q", tc.text, err, tc.want)
		}
	}
}

func TestLoadRefusesNonRegularAndHuge(t *testing.T) {
	if _, err := Load(os.DevNull); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("/dev/null: %v", err)
	}
	big := filepath.Join(t.TempDir(), "big.yaml")
	os.WriteFile(big, bytes.Repeat([]byte("#\n"), maxSize), 0o600)
	if _, err := Load(big); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("huge file: %v", err)
	}
	ok := filepath.Join(t.TempDir(), "site.yaml")
	os.WriteFile(ok, []byte(twoSites), 0o600)
	if inv, err := Load(ok); err != nil || len(inv.Sites) != 2 {
		t.Errorf("load: %v", err)
	}
}

func specs(as []Appliance) string {
	var s []string
	for _, a := range as {
		s = append(s, a.Role+":"+a.Spec())
	}
	return strings.Join(s, " ")
}

func TestMergeWithFlags(t *testing.T) {
	prod, _ := parse(t, twoSites).Site("prod")

	got, err := Merge(prod, Flags{ESAs: []string{"mx1.example.com", "mx9", "mx9"}, SMA: "SMA.example.com:22", User: "cli"})
	if err != nil {
		t.Fatal(err)
	}
	want := "esa:admin@mx1.example.com esa:operator@mx2.example.com:2222 esa:clusteradmin@esa3.example.com esa:clusteradmin@esa4.example.com esa:cli@mx9 sma:admin@sma.example.com:22"
	if specs(got) != want {
		t.Errorf("merged\n got %s\nwant %s", specs(got), want)
	}
	if got[4].At != "--esa mx9" {
		t.Errorf("flag ESA from %q", got[4].At)
	}

	// Flags alone, no inventory.
	got, err = Merge(nil, Flags{ESAs: []string{"a", "b@c:2"}, SMA: "s", PasswordEnv: "PW"})
	if err != nil || specs(got) != "esa:a esa:b@c:2 sma:s" || got[1].PasswordEnv != "PW" {
		t.Errorf("flags only: %s %v", specs(got), err)
	}

	for _, tc := range []struct {
		f    Flags
		want string
	}{
		{Flags{SMA: "sma2.example.com"}, "two SMAs: --sma sma2.example.com and admin@sma.example.com (site prod at site.yaml:8)"},
		{Flags{ESAs: []string{"sma.example.com"}}, "sma.example.com:22 is named as ESA (--esa sma.example.com) and as SMA (site.yaml:8)"},
		{Flags{ESAs: []string{"root@mx1.example.com"}}, `mx1.example.com:22: user "admin" (site.yaml:11) conflicts with "root" (--esa root@mx1.example.com)`},
		{Flags{ESAs: []string{"bob@x", "alice@x"}}, `x:22: user "bob"`},
		{Flags{ESAs: []string{"a b"}}, "--esa"},
	} {
		if _, err := Merge(prod, tc.f); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v:\n got %v\nwant %q", tc.f, err, tc.want)
		}
	}
}

func TestGenerateParsesBack(t *testing.T) {
	var b bytes.Buffer
	err := Generate(&b, GenerateOptions{Site: "prod", SMA: "sma.example.com", ESAs: []string{"mx1", "operator@mx2:2222", "[::1]:22"},
		User: "admin", PasswordEnv: "PVO_PW", Jump: "ops@bastion:22"})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := Parse("generated.yaml", b.Bytes())
	if err != nil {
		t.Fatalf("generated inventory does not parse: %v\n%s", err, b.String())
	}
	site, _ := inv.Site("prod")
	got, _ := Merge(site, Flags{})
	if want := "esa:admin@mx1 esa:operator@mx2:2222 esa:admin@[::1]:22 sma:admin@sma.example.com"; specs(got) != want {
		t.Errorf("round trip\n got %s\nwant %s\n%s", specs(got), want, b.String())
	}
	if got[0].Jump != "ops@bastion:22" || got[0].PasswordEnv != "PVO_PW" {
		t.Errorf("defaults lost: %+v", got[0])
	}

	b.Reset()
	if err := Generate(&b, GenerateOptions{}); err != nil {
		t.Fatal(err)
	}
	if inv, err := Parse("example.yaml", b.Bytes()); err != nil || len(inv.Sites[0].ESAs) != 2 || !strings.Contains(b.String(), "# clusters:") {
		t.Errorf("example: %v\n%s", err, b.String())
	}
	if err := Generate(&b, GenerateOptions{ESAs: []string{"bad host"}}); err == nil {
		t.Error("bad spec accepted")
	}
}
