package zk

import "fmt"

// Quorum is the smallest majority of n masters, what Mesos's --quorum
// must be at least: n/2+1.
func Quorum(masters int) int { return masters/2 + 1 }

// CheckQuorum checks --quorum against the number of masters: a majority
// (quorum > masters/2), and no more than there are masters (a larger one
// could never be reached). Mesos's own check is the first half.
func CheckQuorum(quorum, masters int) error {
	switch {
	case masters < 1:
		return fmt.Errorf("--quorum=%d: there must be at least one master", quorum)
	case quorum < 1:
		return fmt.Errorf("--quorum=%d must be at least 1", quorum)
	case quorum <= masters/2:
		return fmt.Errorf("--quorum=%d is not a majority of %d masters: it must be more than %d/2 (at least %d)", quorum, masters, masters, Quorum(masters))
	case quorum > masters:
		return fmt.Errorf("--quorum=%d is more than the %d masters", quorum, masters)
	}
	return nil
}
