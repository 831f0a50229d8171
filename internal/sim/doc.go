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
//	pvo_port: 7025              # the PVO port the ESAs use and the SMA listens on (default 7025)
//	spam_port: 6025             # the SMA's euq_listener port (default 6025)
//	sma:                        # an appliance (fields below); required
//	esas: [appliance, ...]      # at least one
//	asyncos: {iaf: true}        # dialect choices; see testdata/FORMATS.md
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
//	    pvo: [cluster, machine esa2.example.com]   # quarantineconfig
//
// An appliance:
//
//	hostname: mx.example.com    # required; the prompt and `version`
//	version: 14.2.0-620         # AsyncOS; picks the sslconfig era and prompts
//	model: C100V                # default C100V (ESA) or M100V (SMA)
//	serial: 4229A0B1C2D3-1A2B   # default derived from the hostname
//	banner: text                # admin login banner, printed before Last login
//	status: Online              # Online|Offline|Receiving suspended|Delivery suspended|Receiving and Delivery suspended
//	transfers_suspended: false  # SMA: suspendtransfers in effect; `status detail`
//	                            # says "Centralized transfers: Suspended|Active"
//	users:                      # the first is the one Appliance.User logs in as
//	  - {name: admin, password: ironport, role: Administrator, full_name: Administrator,
//	     authorized_keys: ["ssh-ed25519 AAAA..."],
//	     password_expiry: reminder}   # reminder-password, forced: login questions before the prompt
//	interfaces:                 # required; port is what interfaceconfig shows after "on"
//	  - {name: Management, address: 10.172.12.18/24, hostname: sma.example.com, port: Management}
//	                            # (default port: Management for Management, else Data1, Data2, ...)
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
//	disk_quota:                 # diskquotaconfig rows in GB (euq, pvo, reporting, tracking, misc);
//	  pvo: {usage: 9.9, quota: 10}  # defaults 0.4/5, 1.0/10, 12.0/50, 3.1/20, 0.2/5
//	disk_available: 200         # the "of N" of the Total row
//
// Fields beyond the six (PVO-101 and up). SMA only:
//
//	pvo_listener: on            # off: the PVO service is off, nothing listens for PVO
//	                            # (telnet/tlsverify refused, no cpq_listener row)
//	pvo_port_actual: 7055       # the port cpq_listener really uses (default pvo_port)
//	managed:                    # applianceconfig; default every ESA, services as below
//	  - name: mx.example.com    # as added; an ESA hostname ties the row to that ESA
//	    address: 10.172.12.17   # IP or name added by (default: the ESA's interface on
//	                            # the SMA's subnet, else its first)
//	    services: {pvo: true, safelist: false, reporting: true, tracking: true}
//	    test: success           # TEST: success|auth_failure|cannot_connect (default
//	                            # success; cannot_connect for a row that is no ESA)
//
// An empty `managed: []` means no appliances were added. ESA only:
//
//	reach_from_sma: connect     # the SMA's telnet to this ESA's PVO port (releases):
//	                            # connect|refused|timeout|hang
//	quarantines:                # quarantineconfig
//	  centralized: false        # true prints the "centralized on <sma>" note
//	  delayed: false            # dqconfig (13.0.3+): Delayed Quarantine on
//	  messages: {Outbreak: 12, Virus: 3}   # local messages per quarantine (default 0)
//
// SERVICES answers, even the defaults, are pending changes like any dialog's;
// TEST, status detail, diskquotaconfig, quarantineconfig and interfaceconfig
// (machine mode in a cluster) only read.
//
// # The asyncos block
//
// DialectSpec lists its fields: the forms Cisco's own CLI test library
// confirms (NOTICE flow, policyconfig's type list, clear confirmation,
// deliveryconfig's fifth question, sslconfig's method on every release,
// applianceconfig by name, restricted wordings, commit rollback and
// discard, setttymode) and, where it is silent, each plausible form.
// Defaults are the forms today's client copes with; `iaf: true` turns on
// every confirmed one. showchanges, dqconfig, `applianceconfig list|port`,
// bare clustermode's list, the SMA's featurekey and status's Feature lines
// need no choice.
//
// # Fault injection prompt names
//
// Fault.DropAt, Fault.ExtraPrompt and Fault.StallAt name the prompt at
// which the fault fires (commit.reply is the point after a commit took
// effect, before its reply): deliveryconfig.menu, deliveryconfig.interface,
// deliveryconfig.possible, deliveryconfig.concurrency,
// deliveryconfig.tlsconcurrency, sslconfig.menu, sslconfig.method,
// sslconfig.cipher, sslconfig.renegotiation, sslconfig.versions,
// sslconfig.verify, telnet.interface, telnet.host, telnet.port,
// tlsverify.domain, tlsverify.host, clusterconfig.menu, clustermode.choose,
// restricted.switch, restricted.machine, featurekey.menu, commit.comment,
// commit.rollback, commit.discard, commit.reply, exit.confirm, clear.confirm,
// level.menu (policyconfig, filters, dlpconfig, dmarcconfig),
// policyconfig.type, notice.new, notice.menu, notice.copy,
// deliveryconfig.notls, dqconfig.enable, dqconfig.menu, login.reminder,
// login.password, applianceconfig.menu, applianceconfig.choose,
// applianceconfig.service, diskquotaconfig.menu, quarantineconfig.menu and
// interfaceconfig.menu.
package sim
