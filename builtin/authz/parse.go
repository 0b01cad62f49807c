package authz

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
)

// ParseACLs parses ACLs in Mesos's JSON format (the --acls flag; the
// fields of mesos.ACLs by their proto names):
//
//	{
//	  "permissive": false,
//	  "register_frameworks": [
//	    {"principals": {"values": ["marathon"]}, "roles": {"values": ["web", "eng/%"]}}
//	  ],
//	  "run_tasks": [
//	    {"principals": {"type": "ANY"}, "users": {"type": "NONE"}}
//	  ]
//	}
//
// An entity is {"type": "SOME"|"ANY"|"NONE", "values": [...]} (type
// defaults to SOME; values are ignored for ANY and NONE). Both entities of
// a rule are required. As in Mesos's JSON parser, null means unset, a
// single value stands for a one-element list, and unknown fields are
// ignored; unknown top-level fields are logged, since a misspelt rule
// kind silently changes what is allowed. The ACLs are then validated as
// Mesos's local authorizer validates them.
func ParseACLs(data []byte, log *slog.Logger) (*ACLs, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil || top == nil {
		return nil, fmt.Errorf("ACLs are not a JSON object: %v", errOrNull(err))
	}
	acls := &ACLs{Permissive: true, rules: map[string][]ACL{}}
	for key, raw := range top {
		if key == "permissive" {
			if isNull(raw) {
				continue
			}
			if err := json.Unmarshal(raw, &acls.Permissive); err != nil {
				return nil, fmt.Errorf("ACLs field 'permissive': want true or false")
			}
			continue
		}
		f, ok := fieldNamed(key)
		if !ok {
			log.Warn("ignoring unknown ACLs field", "field", key)
			continue
		}
		rules, err := parseRules(raw, f)
		if err != nil {
			return nil, fmt.Errorf("ACLs field '%s': %w", key, err)
		}
		acls.rules[key] = rules
	}
	if err := validate(acls); err != nil {
		return nil, err
	}
	return acls, nil
}

func errOrNull(err error) any {
	if err == nil {
		return "null"
	}
	return err
}

func isNull(raw json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

// list splits a JSON list into its elements; a single non-list value is a
// one-element list, and null or nothing (a missing field) an empty one.
func list(raw json.RawMessage) ([]json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || isNull(raw) {
		return nil, nil
	}
	if len(raw) > 0 && raw[0] == '[' {
		var elems []json.RawMessage
		if err := json.Unmarshal(raw, &elems); err != nil {
			return nil, err
		}
		return elems, nil
	}
	return []json.RawMessage{raw}, nil
}

func parseRules(raw json.RawMessage, f aclField) ([]ACL, error) {
	elems, err := list(raw)
	if err != nil {
		return nil, err
	}
	rules := make([]ACL, 0, len(elems))
	for i, elem := range elems {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(elem, &m); err != nil || m == nil {
			return nil, fmt.Errorf("rule %d is not an object", i)
		}
		var rule ACL
		for _, e := range []struct {
			name string
			dst  *Entity
		}{{"principals", &rule.Subjects}, {f.object, &rule.Objects}} {
			raw, ok := m[e.name]
			if !ok || isNull(raw) {
				return nil, fmt.Errorf("rule %d: missing required field '%s'", i, e.name)
			}
			if *e.dst, err = parseEntity(raw); err != nil {
				return nil, fmt.Errorf("rule %d: '%s': %w", i, e.name, err)
			}
		}
		rules = append(rules, rule)
	}
	return rules, nil
}

func parseEntity(raw json.RawMessage) (Entity, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return Entity{}, fmt.Errorf("not an entity object")
	}
	var e Entity
	if raw, ok := m["type"]; ok && !isNull(raw) {
		t, err := parseType(raw)
		if err != nil {
			return Entity{}, err
		}
		e.Type = t
	}
	elems, err := list(m["values"])
	if err != nil {
		return Entity{}, fmt.Errorf("'values': %w", err)
	}
	for _, elem := range elems {
		var v string
		if err := json.Unmarshal(elem, &v); err != nil {
			return Entity{}, fmt.Errorf("'values': %s is not a string", elem)
		}
		e.Values = append(e.Values, v)
	}
	return e, nil
}

func parseType(raw json.RawMessage) (EntityType, error) {
	var name string
	if err := json.Unmarshal(raw, &name); err == nil {
		for _, t := range []EntityType{Some, Any, None} {
			if name == t.String() {
				return t, nil
			}
		}
		return 0, fmt.Errorf("unknown entity type %q (want SOME, ANY or NONE)", name)
	}
	var n int
	if err := json.Unmarshal(raw, &n); err == nil && n >= int(Some) && n <= int(None) {
		return EntityType(n), nil
	}
	return 0, fmt.Errorf("unknown entity type %s (want SOME, ANY or NONE)", raw)
}

// validate holds the ACLs to Mesos's LocalAuthorizer::validate: rules
// whose object is implicit take only ANY or NONE objects, and
// get_endpoints rules name only authorizable endpoints.
func validate(acls *ACLs) error {
	for _, f := range fields() {
		for _, rule := range acls.rules[f.name] {
			if f.implicitObject && rule.Objects.Type == Some {
				return fmt.Errorf("ACLs field '%s': '%s' type must be either NONE or ANY", f.name, f.object)
			}
			if f.name == "get_endpoints" && rule.Objects.Type == Some {
				for _, p := range rule.Objects.Values {
					if !authorizableEndpoint(p) {
						return fmt.Errorf("ACLs field 'get_endpoints': path '%s' is not an authorizable path", p)
					}
				}
			}
		}
	}
	return nil
}
