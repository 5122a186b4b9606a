package trigger_test

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/triggergen/triggergen/catalog/googlesheets"
	"github.com/triggergen/triggergen/trigger"
)

// A generated config checks its schema before any request: Validate, and
// decoding, report every violation as a *trigger.ValidationError naming its
// JSON pointer and keyword. (The client calls Validate in CreateTrigger.)
func ExampleValidationErrors() {
	cfg := googlesheets.NewRowsConfig{
		SpreadsheetID: "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms",
		StartRow:      trigger.Ptr(int64(0)), // the schema says minimum 1
	}
	err := cfg.Validate()
	fmt.Println(errors.Is(err, trigger.ErrInvalid))
	var ve *trigger.ValidationError
	if errors.As(err, &ve) {
		fmt.Println(ve.Path, ve.Keyword, ve.Message)
	}

	// Decoding a config checks types, nulls and required properties.
	err = json.Unmarshal([]byte(`{"start_row": 1.5}`), &cfg)
	var ves trigger.ValidationErrors
	if errors.As(err, &ves) {
		for _, e := range ves {
			fmt.Println(e)
		}
	}
	// Output:
	// true
	// /start_row minimum must be at least 1
	// /start_row: must be an integer, not 1.5
	// /spreadsheet_id: is required
}
