// Package authz holds the built-in authorizer local (master and agent flag
// --authorizers, Mesos's default): Mesos's LocalAuthorizer, which decides
// by the ACLs of the --acls flag, in Mesos's JSON format and with its
// matching rules. It implements the Authorizer kind's contract
// (modules/kinds/authorizer) exactly as a module would.
package authz

import "github.com/gomesos/mesos/modules/kinds/authorizer"

// Constructor makes a built-in authorizer from its manifest parameters.
type Constructor func(params map[string]string) (authorizer.Authorizer, error)

// Catalog lists the built-in authorizers by name.
func Catalog() map[string]Constructor {
	return map[string]Constructor{"local": NewLocal}
}
