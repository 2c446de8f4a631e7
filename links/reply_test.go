package links_test

import (
	"errors"
	"strings"
	"testing"

	"guichet/links"
)

func TestReplyTokenBoundToItsConversation(t *testing.T) {
	s := links.New(newKey, nil)
	tok, err := s.ReplyToken(7, 1234)
	if err != nil {
		t.Fatal(err)
	}
	if local := "reponse+" + tok; len(local) > 64 {
		t.Fatalf("local part %q longer than 64 characters", local)
	}
	c, v, err := s.VerifyReplyToken(strings.ToUpper(tok))
	if err != nil || c != 7 || v != 1234 {
		t.Fatalf("verify %q: %d %d %v", tok, c, v, err)
	}
	mac := tok[strings.LastIndex(tok, "-"):]
	flipped := tok[:len(tok)-1] + map[bool]string{true: "b", false: "a"}[strings.HasSuffix(tok, "a")]
	for _, bad := range []string{
		"7-1235" + mac, // another conversation
		"8-1234" + mac, // another commune
		"07-1234" + mac,
		flipped,
		"", "7-1234", "x-y-z",
	} {
		if _, _, err := s.VerifyReplyToken(bad); !errors.Is(err, links.ErrInvalid) {
			t.Errorf("%q verified: %v", bad, err)
		}
	}
	if _, _, err := links.New(oldKey, nil).VerifyReplyToken(tok); !errors.Is(err, links.ErrInvalid) {
		t.Errorf("a token of another key verified: %v", err)
	}
}
