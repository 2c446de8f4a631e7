package links

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"strconv"
	"strings"
)

// A conversation's reply address, reponse+TOKEN@domain, must fit the 64
// characters of an address's local part (RFC 5321), which a securecookie
// token does not: the reply token is the commune's and the conversation's
// ids and 80 bits of an HMAC of them, in lower case (addresses' local parts
// are often lowered on the way). It never expires: an answer to an old mail
// still finds its conversation, where the inbound mail is judged.

var replyEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

func replyMAC(secret []byte, communeID, conversationID int64) string {
	m := hmac.New(sha256.New, secret)
	fmt.Fprintf(m, "reply|%d|%d", communeID, conversationID)
	return strings.ToLower(replyEncoding.EncodeToString(m.Sum(nil)[:10]))
}

// ReplyToken makes the token of a conversation's reply address.
func (s *Signer) ReplyToken(communeID, conversationID int64) (string, error) {
	if len(s.codecs) == 0 {
		return "", fmt.Errorf("links: no key")
	}
	return fmt.Sprintf("%d-%d-%s", communeID, conversationID, replyMAC(s.codecs[0].secret, communeID, conversationID)), nil
}

// VerifyReplyToken reads a reply token (case ignored): the commune and the
// conversation it names, or ErrInvalid.
func (s *Signer) VerifyReplyToken(token string) (communeID, conversationID int64, err error) {
	parts := strings.Split(strings.ToLower(token), "-")
	if len(parts) != 3 {
		return 0, 0, ErrInvalid
	}
	c, err1 := strconv.ParseInt(parts[0], 10, 64)
	v, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || c <= 0 || v <= 0 || strconv.FormatInt(c, 10) != parts[0] || strconv.FormatInt(v, 10) != parts[1] {
		return 0, 0, ErrInvalid
	}
	now := s.Clock.Now()
	for _, k := range s.codecs {
		if !k.notAfter.IsZero() && !now.Before(k.notAfter) {
			continue
		}
		if hmac.Equal([]byte(replyMAC(k.secret, c, v)), []byte(parts[2])) {
			return c, v, nil
		}
	}
	return 0, 0, ErrInvalid
}
