package receipttest

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"strings"
	"testing"
)

// A compressed stream may end in any byte, a carriage return just before
// "endstream" included (one receipt in 256 or so, by its reference): the
// text is still read whole, the stream being cut at its /Length.
func TestTextOfAStreamEndingInACarriageReturn(t *testing.T) {
	cmap := "begincmap\n1 beginbfchar\n<0041> <0041>\nendbfchar\nendcmap"
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	for i := range 1000 {
		z.Reset()
		w.Reset(&z)
		fmt.Fprintf(w, "BT [<00410041>] TJ ET %% %s", strings.Repeat("a", i))
		w.Close()
		if !bytes.HasSuffix(z.Bytes(), []byte("\r")) {
			continue
		}
		var pdf bytes.Buffer
		fmt.Fprintf(&pdf, "%%PDF-1.4\n1 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n", len(cmap), cmap)
		fmt.Fprintf(&pdf, "2 0 obj\n<< /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream\nendobj\n%%%%EOF\n", z.Len(), z.Bytes())
		got, err := Text(pdf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if strings.TrimSpace(got) != "AA" {
			t.Fatalf("the text is %q, want AA", got)
		}
		return
	}
	t.Fatal("no stream among 1,000 ends in a carriage return")
}
