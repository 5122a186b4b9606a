package inbox

import (
	"log/slog"

	"github.com/hibiken/asynq"
)

// AsynqLogger exposes the slog adapter to the tests.
func AsynqLogger(l *slog.Logger) asynq.Logger { return slogLogger{l} }
