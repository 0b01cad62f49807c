package authz

import (
	"slices"
	"strings"
)

// matches reports whether a rule's entity applies to a request's (Mesos's
// match matrix): NONE applies only to NONE, ANY to ANY and NONE, and SOME
// to ANY, NONE and to SOME lists holding every requested value.
//
//	               rule: SOME    NONE   ANY
//	request SOME         subset  yes    yes
//	request NONE         no      yes    no
//	request ANY          no      yes    yes
func matches(request, rule Entity) bool {
	switch request.Type {
	case None:
		return rule.Type == None
	case Any:
		return rule.Type == Any || rule.Type == None
	case Some:
		if rule.Type == Any || rule.Type == None {
			return true
		}
		return subset(request.Values, rule.Values)
	}
	return false
}

// allows reports whether a rule's entity, once it applies, allows the
// request's (Mesos's allow matrix):
//
//	               rule: SOME    NONE   ANY
//	request SOME         subset  no     yes
//	request NONE         no      yes    no
//	request ANY          no      no     yes
func allows(request, rule Entity) bool {
	switch request.Type {
	case None:
		return rule.Type == None
	case Any:
		return rule.Type == Any
	case Some:
		switch rule.Type {
		case Any:
			return true
		case None:
			return false
		}
		return subset(request.Values, rule.Values)
	}
	return false
}

func subset(values, of []string) bool {
	for _, v := range values {
		if !slices.Contains(of, v) {
			return false
		}
	}
	return true
}

// decide applies rules in order: the first whose subjects and objects
// both match the request decides (allowed if both allow it); when none
// matches, permissive decides.
func decide(rules []ACL, subject, object Entity, permissive bool) bool {
	for _, r := range rules {
		if matches(subject, r.Subjects) && matches(object, r.Objects) {
			return allows(subject, r.Subjects) && allows(object, r.Objects)
		}
	}
	return permissive
}

// roleRules splits rules for hierarchical-role actions as Mesos does: a
// role value ending in "/%" (recursive: every role below it) becomes a
// rule of its own, placed before a rule holding the rule's other roles.
func roleRules(rules []ACL) []ACL {
	var out []ACL
	for _, r := range rules {
		if r.Objects.Type != Some {
			out = append(out, r)
			continue
		}
		var plain []string
		for _, v := range r.Objects.Values {
			if strings.HasSuffix(v, "/%") {
				out = append(out, ACL{Subjects: r.Subjects, Objects: some(v)})
			} else {
				plain = append(plain, v)
			}
		}
		if len(plain) > 0 {
			out = append(out, ACL{Subjects: r.Subjects, Objects: some(plain...)})
		}
	}
	return out
}

// recursive reports whether a (split) rule covers a role hierarchy.
func recursive(r ACL) bool {
	return len(r.Objects.Values) == 1 && strings.HasSuffix(r.Objects.Values[0], "/%")
}

// decideRoles is decide for hierarchical-role actions (rules from
// roleRules): a recursive rule "eng/%" applies to every role strictly
// below "eng" ("eng/web", "eng/web/a") and then decides by its subjects
// alone.
func decideRoles(rules []ACL, subject, object Entity, permissive bool) bool {
	anyObject := Entity{Type: Any}
	for _, r := range rules {
		if !recursive(r) {
			if matches(subject, r.Subjects) && matches(object, r.Objects) {
				return allows(subject, r.Subjects) && allows(object, r.Objects)
			}
			continue
		}
		if object.Type == Some && len(object.Values) == 1 &&
			strings.HasPrefix(object.Values[0], strings.TrimSuffix(r.Objects.Values[0], "%")) {
			if matches(subject, r.Subjects) && matches(object, anyObject) {
				return allows(subject, r.Subjects) && allows(object, anyObject)
			}
		}
	}
	return permissive
}
