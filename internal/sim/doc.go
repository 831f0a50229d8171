// Package sim is a stateful simulator of Cisco AsyncOS appliances (ESA and
// SMA) over SSH. It stands in for a real site in tests and in `pvo-doctor
// demo`, so it imports nothing of the client side: every text it prints is
// rendered from its own state model, as testdata/FORMATS.md specifies.
//
// A Scenario describes one site. Start serves every appliance on its own
// 127.0.0.1 listener; dialogs change a session's pending changes, `commit`
// makes them visible to later sessions, and a dropped connection discards
// them. Telnet and tlsverify targets resolve inside the scenario only:
// nothing ever touches the real network.
//
// # Scenario YAML
//
// Unknown keys are errors; errors name the file and line.
//
//	description: free text
//	pvo_port: 7025              # the SMA's cpq_listener port (default 7025)
//	spam_port: 6025             # the SMA's euq_listener port (default 6025)
//	sma:                        # an appliance (fields below); required
//	esas: [appliance, ...]      # at least one
//	cluster:                    # optional; absent means every ESA is standalone
//	  name: PVOCluster
//	  groups:
//	    - {name: Main_Group, machines: [esa1.example.com, esa2.example.com]}
//	  disconnected: [esa2.example.com]   # CONNSTATUS says Disconnected
//	  levels:                   # where each setting is defined (default: cluster)
//	    content_filters: [cluster, machine esa2.example.com]
//	    message_filters: [cluster]
//	    dlp: [cluster, group Main_Group]
//	    dmarc: [cluster]
//
// An appliance:
//
//	hostname: mx.example.com    # required; the prompt and `version`
//	version: 14.2.0-620         # AsyncOS; picks the sslconfig era and prompts
//	model: C100V                # default C100V (ESA) or M100V (SMA)
//	serial: 4229A0B1C2D3-1A2B   # default derived from the hostname
//	banner: text                # admin login banner, printed before Last login
//	status: Online              # Online|Offline|Receiving suspended|Delivery suspended|Receiving and Delivery suspended
//	transfers_suspended: false  # SMA: suspendtransfers in effect
//	users:                      # the first is the one Appliance.User logs in as
//	  - {name: admin, password: ironport, role: Administrator, full_name: Administrator,
//	     authorized_keys: ["ssh-ed25519 AAAA..."]}
//	interfaces:                 # required
//	  - {name: Management, address: 10.172.12.18/24, hostname: sma.example.com}
//	listeners: [InboundMail]    # ESA listener names (resume, tcpservices)
//	pvo_interface: Management   # SMA: interface the ESAs reach PVO on (default first)
//	anonymous_ciphers: false    # SMA: offers ADH/AECDH suites
//	certificate: true           # SMA: presents a certificate (default true)
//	delivery:                   # ESA deliveryconfig
//	  interface: In             # Auto (default) or an interface name
//	  possible_delivery: true
//	  max_concurrency: 10000
//	  tls_max_concurrency: 10000
//	reach:                      # ESA: telnet/tlsverify from each interface to the SMA's
//	  Auto: connect             # PVO port: connect|refused|timeout|hang (default connect)
//	  In: timeout
//	reach_spam: {}              # the same for the spam port (default: as reach)
//	auto_interface: Management  # interface Auto uses (default: on the SMA's subnet, else first)
//	ssl:                        # per service: gui, inbound, outbound (defaults by era)
//	  outbound: {method: tlsv1/tlsv1.2, ciphers: "HIGH:MEDIUM:-aNULL", versions: [TLSv1.1, TLSv1.2]}
//	feature_keys:               # default: a standard set with DLP
//	  - {module: Data Loss Prevention, quantity: "1", remaining: 287 days, expiration: Sun Sep 12 00:00:00 2027}
//	mail_logs: ["Mon Apr 7 15:48:42 2014 Info: ..."]
//
// # Fault injection prompt names
//
// Fault.DropAt and Fault.ExtraPrompt name the prompt at which the fault
// fires: deliveryconfig.menu, deliveryconfig.interface,
// deliveryconfig.possible, deliveryconfig.concurrency,
// deliveryconfig.tlsconcurrency, sslconfig.menu, sslconfig.method,
// sslconfig.cipher, sslconfig.renegotiation, sslconfig.versions,
// sslconfig.verify, telnet.interface, telnet.host, telnet.port,
// tlsverify.domain, tlsverify.host, clusterconfig.menu, clustermode.choose,
// restricted.switch, restricted.machine, featurekey.menu, commit.comment,
// commit.rollback, exit.confirm, and level.menu (policyconfig, filters,
// dlpconfig, dmarcconfig).
package sim
