package flags

import (
	"strings"
)

// usagePad is the gap between the flag column and the help column, as in
// stout's FlagsBase::usage.
const usagePad = 5

// Usage returns the help text in Mesos's layout: the usage line, a blank
// line, then one entry per flag sorted by name, the names in the first
// column ("--name=VALUE", or "--[no-]name" for booleans, followed by any
// aliases) and the help in the second, with the default appended as
// "(default: x)". Multi-line help continues under the help column.
func (fs *FlagSet) Usage() string {
	var b strings.Builder
	if fs.usageText != "" {
		b.WriteString(fs.usageText)
	} else {
		b.WriteString("Usage: " + fs.program + " [options]")
	}
	b.WriteString("\n\n")

	flags := fs.Flags()
	col1 := make([]string, len(flags))
	width := 0
	for i, f := range flags {
		col1[i] = "  " + f.usageName(f.name)
		for _, a := range f.aliases {
			col1[i] += ", " + f.usageName(a.name)
		}
		width = max(width, len(col1[i]))
	}

	for i, f := range flags {
		// Split at every '\n' or '\r', keeping empty lines, as stout does.
		lines := strings.Split(strings.ReplaceAll(f.helpWithDefault(), "\r", "\n"), "\n")
		b.WriteString(col1[i])
		b.WriteString(strings.Repeat(" ", usagePad+width-len(col1[i])))
		b.WriteString(lines[0])
		b.WriteString("\n")
		for _, line := range lines[1:] {
			b.WriteString(strings.Repeat(" ", usagePad+width))
			b.WriteString(line)
			b.WriteString("\n")
		}
	}
	return b.String()
}

func (f *Flag) usageName(name string) string {
	if f.IsBool() {
		return "--[no-]" + name
	}
	return "--" + name + "=VALUE"
}

// helpWithDefault appends the default the way stout does: on the same
// line after a space, or on a line of its own when the help ends with a
// newline.
func (f *Flag) helpWithDefault() string {
	if f.def == nil {
		return f.help
	}
	h := f.help
	if h != "" && !strings.HasSuffix(h, "\n") && !strings.HasSuffix(h, "\r") {
		h += " "
	}
	return h + "(default: " + *f.def + ")"
}

// Values returns the effective value of every flag that has one (set by
// any source, or defaulted), in each flag's own grammar ("5secs", "2GB",
// "true"). This is what the /flags endpoints and the start-up log show.
//
// Keys are canonical names: Mesos keys a flag loaded through a deprecated
// alias by that alias, but the canonical name keeps the document the same
// however the operator spelt the flag. Optional flags that were not given
// are left out, as Mesos leaves out an unset Option. Sensitive flags show
// the file reference they were loaded from, or "********".
func (fs *FlagSet) Values() map[string]string {
	out := make(map[string]string, len(fs.flags))
	for name, f := range fs.flags {
		if !f.IsSet() && f.def == nil {
			continue
		}
		v := f.value.String()
		if f.sensitive && f.IsSet() {
			v = f.redact(f.raw)
		}
		out[name] = v
	}
	return out
}
