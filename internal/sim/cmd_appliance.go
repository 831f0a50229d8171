package sim

import (
	"fmt"
	"strconv"
	"strings"
)

// managedItem is how applianceconfig names one managed appliance in its
// choice lists: "mx.example.com (10.172.12.17)".
func managedItem(m ManagedSpec) string { return fmt.Sprintf("%s (%s)", m.Name, m.Address) }

func (s *session) applianceList() {
	managed := s.a.spec.Managed
	if len(managed) == 0 {
		s.out("No appliances have been added.\n\n")
		return
	}
	s.out("Security Appliances:\n")
	for i, m := range managed {
		s.printf("%d. %s - Email\n", i+1, managedItem(m))
	}
	s.out("\n")
}

func (s *session) cmdApplianceconfig(args []string) error {
	if len(args) > 1 {
		return s.applianceBatch(args[1:])
	}
	for {
		s.applianceList()
		op, err := s.menu("applianceconfig.menu", [][2]string{
			{"ADD", "Add a new appliance."},
			{"EDIT", "Modify an appliance."},
			{"DELETE", "Remove an appliance."},
			{"TEST", "Test connectivity to an appliance."},
			{"SERVICES", "Enable or disable services for appliances."},
			{"STATUS", "Display the status of the appliances."},
			{"PORT", "Configure the port used to connect to appliances."},
		})
		if err != nil || op == "" {
			return err
		}
		s.out("\n")
		switch op {
		case "SERVICES":
			if *s.dialect().ApplianceByName {
				err = s.applianceServicesByName()
			} else {
				err = s.applianceServices()
			}
		case "TEST":
			err = s.applianceTest()
		default:
			s.out("This operation is not available in the simulator.\n")
		}
		if err != nil {
			return err
		}
		s.out("\n")
	}
}

// chooseManaged asks for one managed appliance; ok is false when there is
// none to choose.
func (s *session) chooseManaged(name, header string) (ManagedSpec, bool, error) {
	managed := s.a.spec.Managed
	if len(managed) == 0 {
		s.out("No appliances have been added.\n")
		return ManagedSpec{}, false, nil
	}
	items := make([]string, len(managed))
	for i, m := range managed {
		items[i] = managedItem(m)
	}
	i, err := s.choose(name, header, items, 1)
	if err != nil {
		return ManagedSpec{}, false, err
	}
	return managed[i], true, nil
}

// applianceServices asks every service question with the current state as
// default. Like AsyncOS it records the answers as a pending change even
// when nothing differs, so a reader must clearchanges afterwards.
func (s *session) applianceServices() error {
	m, ok, err := s.chooseManaged("applianceconfig.choose", "Choose the appliance whose services you want to configure:")
	if err != nil || !ok {
		return err
	}
	return s.askServices(m)
}

// askServices asks every service question for m with the current state as
// default, then stages the answers.
func (s *session) askServices(m ManagedSpec) error {
	answers := make([]bool, len(smaServices))
	for i, svc := range smaServices {
		s.out("\n")
		cur := s.get(serviceKey(m.Name, svc.key)) == "Enabled"
		var err error
		if answers[i], err = s.askYN("applianceconfig.service", "Do you want the "+svc.label+" to be enabled?", cur); err != nil {
			return err
		}
	}
	for i, svc := range smaServices {
		k := serviceKey(m.Name, svc.key)
		if *s.dialect().ServicesStageDefaults || s.get(k) != onOff(answers[i]) {
			s.set(k, onOff(answers[i]))
		}
	}
	return nil
}

func (s *session) applianceTest() error {
	var m ManagedSpec
	var ok bool
	var err error
	if *s.dialect().ApplianceByName {
		m, ok, err = s.askManaged("Enter the name or number of the appliance to test.\n")
	} else {
		m, ok, err = s.chooseManaged("applianceconfig.choose", "Choose the appliance to test:")
	}
	if err != nil || !ok {
		return err
	}
	item := managedItem(m)
	s.printf("\nTesting connection to %s...\n", item)
	if hold := s.a.site.opts.HoldTest; hold != nil {
		s.flush()
		hold(s.ctx, m.Name)
	}
	switch m.Test {
	case "auth_failure":
		s.printf("Authentication to %s failed.\n", item)
	case "cannot_connect":
		s.printf("Error while trying to connect to %s: Connection timed out.\n", item)
	default:
		s.printf("Connection to %s succeeded.\n", m.Name)
	}
	return nil
}

// askManaged asks for an appliance by name or number, typed [C-IAF]; a
// blank answer goes back (ok false), an unknown one asks again.
func (s *session) askManaged(question string) (ManagedSpec, bool, error) {
	managed := s.a.spec.Managed
	if len(managed) == 0 {
		s.out("No appliances have been added.\n")
		return ManagedSpec{}, false, nil
	}
	for {
		ans, err := s.ask("applianceconfig.choose", question, "")
		if err != nil || ans == "" {
			return ManagedSpec{}, false, err
		}
		for i, m := range managed {
			if strings.EqualFold(ans, m.Name) || ans == strconv.Itoa(i+1) {
				return m, true, nil
			}
		}
		s.printf("\nNo appliance named %q.\n\n", ans)
	}
}

// applianceServicesByName is the [C-IAF] SERVICES: the appliance typed
// by name or number, its service questions, then back to "Enter the …"
// for the next one until a blank answer. Every answered appliance is a
// pending change, defaults included ([unknown] on AsyncOS).
func (s *session) applianceServicesByName() error {
	s.applianceList()
	for {
		m, ok, err := s.askManaged("Enter the name or number of the appliance you want to configure services for.\n")
		if err != nil || !ok {
			return err
		}
		if err := s.askServices(m); err != nil {
			return err
		}
		s.out("\n")
	}
}

// applianceBatch is `applianceconfig list` and `applianceconfig port`
// [C-IAF forms; I layout]: the read-only sources of the managed list.
func (s *session) applianceBatch(args []string) error {
	switch strings.ToLower(args[0]) {
	case "list":
		managed := s.a.spec.Managed
		if len(managed) == 0 {
			s.out("No appliances have been added.\n")
			return nil
		}
		w := []int{24, 18, 15}
		s.out(pad(w, "Name", "IP Address", "Authenticated", "Product"))
		for _, m := range managed {
			auth := "Yes"
			if m.Test != "success" {
				auth = "No"
			}
			s.out(pad(w, m.Name, m.Address, auth, "Email"))
		}
	case "port":
		s.out("Port used to connect to appliances: 22\n")
	default:
		s.printf("Unknown applianceconfig operation: %s\n", args[0])
	}
	return nil
}
