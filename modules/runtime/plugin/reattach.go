package plugin

import (
	"context"
	"strings"
)

// tryReattach connects to the process an earlier daemon left running, if
// there is one and it runs the manifest's file unchanged. Anything else
// (no record, a dead process, a changed file) ends with no process here;
// a live process of ours that is not reattached to is stopped.
func (s *supervisor) tryReattach(ctx context.Context) *proc {
	rec, err := readRecord(s.ln.detach.record)
	if err != nil {
		s.log.Warn("ignoring the reattach record", "error", err)
		_ = removeRecord(s.ln.detach.record)
		return nil
	}
	if rec == nil {
		return nil
	}
	p, err := s.ln.reattach(ctx, rec)
	if err != nil {
		s.log.Info("cannot reattach to the module plugin: starting a new one", "pid", rec.PID, "error", err)
		if sameExecutable(rec.PID, rec.File) {
			s.log.Warn("stopping the unreachable module plugin an earlier daemon started", "pid", rec.PID)
			(&proc{pid: rec.PID}).kill()
		}
		_ = removeRecord(s.ln.detach.record)
		return nil
	}
	sum, err := fileSHA256(s.ln.path)
	changed := err != nil || rec.File != s.ln.path || sum != rec.SHA256 ||
		(s.ln.spec.SHA256 != "" && !strings.EqualFold(sum, s.ln.spec.SHA256))
	if changed {
		s.log.Info("the module's file changed since its plugin was started: replacing the plugin", "pid", rec.PID)
		p.stop()
		_ = removeRecord(s.ln.detach.record)
		return nil
	}
	return p
}

// persist writes the reattach record of a detached process.
func (s *supervisor) persist(rec *record) {
	if rec == nil || s.ln.detach == nil {
		return
	}
	if err := writeRecord(s.ln.detach.record, rec); err != nil {
		s.log.Error("cannot write the reattach record: a restarted daemon will not reattach", "error", err)
	}
}
