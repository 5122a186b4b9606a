package inbox

import (
	"context"
	"fmt"
	"log/slog"
	"os"
)

// LevelFatal is the slog level of asynq's Fatal messages.
const LevelFatal = slog.LevelError + 4

// slogLogger adapts a *slog.Logger to asynq.Logger. Each message is
// formatted only when the logger takes its level.
type slogLogger struct{ l *slog.Logger }

func (s slogLogger) log(level slog.Level, args []any) {
	ctx := context.Background()
	if s.l.Enabled(ctx, level) {
		s.l.Log(ctx, level, fmt.Sprint(args...))
	}
}

func (s slogLogger) Debug(args ...any) { s.log(slog.LevelDebug, args) }
func (s slogLogger) Info(args ...any)  { s.log(slog.LevelInfo, args) }
func (s slogLogger) Warn(args ...any)  { s.log(slog.LevelWarn, args) }
func (s slogLogger) Error(args ...any) { s.log(slog.LevelError, args) }

// Fatal logs at LevelFatal and exits with status 1, as asynq.Logger
// requires of it. asynq v0.26's server never calls it.
func (s slogLogger) Fatal(args ...any) {
	s.log(LevelFatal, args)
	os.Exit(1)
}
