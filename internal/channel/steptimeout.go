package channel

import (
	"context"
	"time"
)

type stepTimeoutKey struct{}

// WithStepTimeout lets every wait under ctx take up to d instead of the
// channel's step timeout: a commit may take minutes where a prompt takes
// seconds.
func WithStepTimeout(ctx context.Context, d time.Duration) context.Context {
	return context.WithValue(ctx, stepTimeoutKey{}, d)
}

func (c *Channel) stepTimeout(ctx context.Context) time.Duration {
	if d, ok := ctx.Value(stepTimeoutKey{}).(time.Duration); ok && d > 0 {
		return d
	}
	return c.opts.StepTimeout
}
