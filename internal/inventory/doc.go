// Package inventory reads a site inventory: a YAML file naming, per site,
// the SMA, the ESAs and the clusters they form, with each appliance's user,
// port, jump host and password variable. It merges a site with the
// appliances named on the command line and writes an example inventory.
package inventory
