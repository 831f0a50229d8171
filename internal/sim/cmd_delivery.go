package sim

import (
	"fmt"
	"strconv"
	"strings"
)

func (s *session) deliveryBlock() {
	s.printf("Default interface to deliver mail: %s\n", s.get("delivery.interface"))
	s.printf("\"Possible Delivery\": %s\n", s.get("delivery.possible"))
	s.printf("Default system wide maximum outbound message delivery concurrency: %s\n", s.get("delivery.max"))
	if s.a.spec.ver.atLeast(11, 0) {
		s.printf("Default system wide TLS maximum outbound message delivery concurrency: %s\n", s.get("delivery.tlsmax"))
	}
	s.out("\n")
}

// interfaceItems lists Auto and every interface as telnet and deliveryconfig
// show them: "In (192.168.1.1/24: mx.example.com)".
func (a *appliance) interfaceItems() []string {
	items := []string{"Auto"}
	for _, i := range a.spec.Interfaces {
		items = append(items, fmt.Sprintf("%s (%s: %s)", i.Name, i.Address, i.Hostname))
	}
	return items
}

func (s *session) cmdDeliveryconfig(args []string) error {
	if done, err := s.levelHeader("deliveryconfig"); done || err != nil {
		return err
	}
	for {
		s.deliveryBlock()
		op, err := s.menu("deliveryconfig.menu", [][2]string{{"SETUP", "Configure mail delivery."}})
		if err != nil || op == "" {
			return err
		}
		if op != "SETUP" {
			s.out("\n")
			continue
		}
		s.out("\n")
		if err := s.deliverySetup(); err != nil {
			return err
		}
		s.out("\n")
	}
}

func (s *session) deliverySetup() error {
	cur := s.get("delivery.interface")
	def := 1
	for i, ifc := range s.a.spec.Interfaces {
		if strings.EqualFold(ifc.Name, cur) {
			def = i + 2
		}
	}
	i, err := s.choose("deliveryconfig.interface", "Choose the default interface to deliver mail.", s.a.interfaceItems(), def)
	if err != nil {
		return err
	}
	iface := "Auto"
	if i > 0 {
		iface = s.a.spec.Interfaces[i-1].Name
	}
	s.out("\n")
	possible, err := s.askYN("deliveryconfig.possible", `Enable "Possible Delivery" (recommended)?`, s.get("delivery.possible") == "Enabled")
	if err != nil {
		return err
	}
	max, err := s.askNumber("deliveryconfig.concurrency", "\nPlease enter a default system wide maximum outbound message delivery concurrency\n", s.get("delivery.max"))
	if err != nil {
		return err
	}
	tlsmax := s.get("delivery.tlsmax")
	if s.a.spec.ver.atLeast(11, 0) {
		if tlsmax, err = s.askNumber("deliveryconfig.tlsconcurrency", "\nPlease enter a default system wide TLS maximum outbound message delivery concurrency\n", tlsmax); err != nil {
			return err
		}
	}
	notls, asked := s.get("delivery.notls"), false
	if nt := s.dialect().DeliveryNoTLS; s.a.spec.ver.atLeast(12, 0) && (nt == "always" || nt == "below-max" && atoi(tlsmax) < atoi(max)) {
		// [C-IAF] fragment and "YES by default"; the sentence is [I].
		s.out("\n")
		yes, err := s.askYN("deliveryconfig.notls", "Do you want to attempt to connect without TLS when the TLS concurrency limit is reached?", notls != "No")
		if err != nil {
			return err
		}
		notls, asked = map[bool]string{true: "Yes", false: "No"}[yes], true
	}
	if asked {
		s.set("delivery.notls", notls)
	}
	s.set("delivery.interface", iface)
	s.set("delivery.possible", map[bool]string{true: "Enabled", false: "Disabled"}[possible])
	s.set("delivery.max", max)
	s.set("delivery.tlsmax", tlsmax)
	return nil
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// askNumber asks until it gets a whole number from 1 to 10000.
func (s *session) askNumber(name, question, def string) (string, error) {
	for {
		ans, err := s.ask(name, question, def)
		if err != nil {
			return "", err
		}
		if n, err := strconv.Atoi(ans); err == nil && n >= 1 && n <= 10000 {
			return strconv.Itoa(n), nil
		}
		s.out("\nPlease enter a number from 1 to 10000.\n")
	}
}
