package sim

// browse shows a view and its menu until a blank answer. The simulator
// models these commands for reading only, so every operation just says so
// and shows the view again.
func (s *session) browse(name string, ops [][2]string, show func()) error {
	for {
		show()
		op, err := s.menu(name, ops)
		if err != nil || op == "" {
			return err
		}
		s.out("\nThis operation is not available in the simulator.\n\n")
	}
}

func (s *session) cmdInterfaceconfig(args []string) error {
	t := s.target()
	return s.browse("interfaceconfig.menu", [][2]string{
		{"NEW", "Create a new interface."},
		{"EDIT", "Modify an interface."},
		{"GROUPS", "Define interface groups."},
		{"DELETE", "Remove an interface."},
	}, func() {
		s.out("Currently configured interfaces:\n")
		for i, ifc := range t.spec.Interfaces {
			s.printf("%d. %s (%s on %s: %s)\n", i+1, ifc.Name, ifc.Address, ifc.Port, ifc.Hostname)
		}
		s.out("\n")
	})
}
