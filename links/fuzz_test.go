package links_test

import (
	"testing"
	"time"

	"guichet/links"
)

var (
	fuzzNow      = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	fuzzPurposes = []string{links.Follow, links.Service, links.Board, links.Reset}
)

// fuzzSigner signs and verifies at a fixed instant, with one current key
// and one retired key still in its rotation period.
func fuzzSigner() *links.Signer {
	s := links.NewRotating(links.Key{Secret: newKey}, links.Key{Secret: oldKey, NotAfter: fuzzNow.Add(time.Hour)})
	s.Clock = func() time.Time { return fuzzNow }
	return s
}

// genuineClaims are what the genuine tokens carry.
var genuineClaims = links.Claims{CommuneID: 1, DemandID: 2, ServiceID: 3, AssignmentID: 4, AgentID: 5, Epoch: 6, Nonce: "n"}

// genuine are tokens the fuzz signer made, by purpose.
func genuine(tb testing.TB) map[string]string {
	s := fuzzSigner()
	toks := map[string]string{}
	for _, p := range fuzzPurposes {
		tok, err := s.Sign(p, genuineClaims, time.Hour)
		if err != nil {
			tb.Fatal(err)
		}
		toks[tok] = p
	}
	return toks
}

// FuzzVerify: whatever string comes as a token, Verify does not panic, and
// accepts it only for the purpose the signer made it for.
func FuzzVerify(f *testing.F) {
	toks := genuine(f)
	for tok := range toks {
		f.Add(tok)
		f.Add(tok[:len(tok)/2])
		f.Add(tok + "A")
	}
	f.Add("")
	f.Add("|||")
	f.Add("MTc5NjExNjQzOHx8")
	s := fuzzSigner()
	f.Fuzz(func(t *testing.T, tok string) {
		for _, p := range fuzzPurposes {
			c, err := s.Verify(p, tok)
			if err == links.ErrInvalid {
				continue
			}
			if err != nil {
				t.Fatalf("genuine token for %s: %v", p, err)
			}
			// A token holds the second it was signed in (securecookie's
			// stamp): a seed signed by the coordinating process in another
			// second than this worker's genuine() is not in toks, but must
			// still carry the signer's claims and verify for its purpose only.
			c.Expires = 0
			if want, known := toks[tok]; (known && want != p) || c != genuineClaims {
				t.Fatalf("token %q verifies for %s with %+v but was not signed so", tok, p, c)
			}
		}
	})
}

// FuzzVerifyTampered: a genuine token with any one byte changed never verifies.
func FuzzVerifyTampered(f *testing.F) {
	f.Add(uint8(0), uint16(0), byte('A'))
	f.Add(uint8(1), uint16(10), byte('-'))
	f.Add(uint8(2), uint16(200), byte('|'))
	f.Add(uint8(3), uint16(65535), byte(0))
	s := fuzzSigner()
	f.Fuzz(func(t *testing.T, purpose uint8, at uint16, b byte) {
		p := fuzzPurposes[int(purpose)%len(fuzzPurposes)]
		tok, err := s.Sign(p, links.Claims{CommuneID: 1, DemandID: int64(at), Nonce: "n"}, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		i := int(at) % len(tok)
		if tok[i] == b {
			return // not a change
		}
		tampered := tok[:i] + string([]byte{b}) + tok[i+1:]
		if _, err := s.Verify(p, tampered); err != links.ErrInvalid {
			t.Fatalf("token tampered at byte %d (%q for %q) gives %v, want invalid", i, b, tok[i], err)
		}
	})
}
