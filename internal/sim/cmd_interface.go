package sim

func (s *session) cmdInterfaceconfig(args []string) error {
	t := s.target()
	for {
		s.out("Currently configured interfaces:\n")
		for i, ifc := range t.spec.Interfaces {
			s.printf("%d. %s (%s on %s: %s)\n", i+1, ifc.Name, ifc.Address, ifc.Port, ifc.Hostname)
		}
		s.out("\n")
		op, err := s.menu("interfaceconfig.menu", [][2]string{
			{"NEW", "Create a new interface."},
			{"EDIT", "Modify an interface."},
			{"GROUPS", "Define interface groups."},
			{"DELETE", "Remove an interface."},
		})
		if err != nil || op == "" {
			return err
		}
		s.out("\nThis operation is not available in the simulator.\n\n")
	}
}
