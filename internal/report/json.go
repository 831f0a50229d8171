package report

import (
	"encoding/json"
	"fmt"
	"io"
)

// JSONWriter writes the schema-v1 report, indented. Field order is fixed by
// the struct, so two runs on the same facts give the same bytes.
type JSONWriter struct{}

func (JSONWriter) Write(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write json report: %w", err)
	}
	return nil
}
