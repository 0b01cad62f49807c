package decorate

import (
	"context"

	"github.com/gomesos/mesos/modules/kinds/qoscontroller"
)

// NewQoSController decorates a QoS controller module whose decorator is
// d: Corrections runs under Call, and each correction is held to the
// contract's rules against the usage it was given (qoscontroller.Check: a
// KILL of an executor, and container, of that usage). A correction that
// breaks them is rejected (counted, and the module failing) and left out;
// the others are returned. The kind's failure policy, skip, is the
// agent's: a failed call corrects nothing this time.
func NewQoSController(d *Decorator, q qoscontroller.QoSController) qoscontroller.QoSController {
	return &qosModule{d: d, q: q}
}

type qosModule struct {
	d *Decorator
	q qoscontroller.QoSController
}

func (w *qosModule) Corrections(ctx context.Context, req *qoscontroller.CorrectionsRequest) (*qoscontroller.CorrectionsResponse, error) {
	const method = "Corrections"
	resp, err := Call(ctx, w.d, method, func(ctx context.Context) (*qoscontroller.CorrectionsResponse, error) {
		return w.q.Corrections(ctx, req)
	})
	if err != nil {
		return nil, err
	}
	out := &qoscontroller.CorrectionsResponse{}
	for _, c := range resp.GetCorrections() {
		if _, err := qoscontroller.Check(c, req.GetUsage()); err != nil {
			w.d.Logger().Warn("ignoring a QoS correction", "error", w.d.Reject(method, "invalid correction", err))
			continue
		}
		out.Corrections = append(out.Corrections, c)
	}
	return out, nil
}
