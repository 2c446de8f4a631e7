package inbound_test

import (
	"context"
	"fmt"
	"net/smtp"
	"strings"
	"testing"

	"guichet/fixture"
	"guichet/mail"
	"guichet/models"
)

// TestNoLoopWithAnAutoResponder: a stranger's auto-responder, answering
// every mail, and Guichet stop after one message each: Guichet's
// acknowledgement says it is automatic, the auto-reply to it is recorded
// and answers nothing.
func TestNoLoopWithAnAutoResponder(t *testing.T) {
	s := newScene(t)
	ctx := context.Background()
	addr := listen(t, s.w)
	const robot = "robot@ailleurs.test"
	toRobot := func() []models.OutboxMail {
		var ms []models.OutboxMail
		fixture.Must(t, s.w.DB.NewSelect().Model(&ms).Where("recipient = ?", robot).Order("id").Scan(ctx))
		return ms
	}
	first := fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: Question\r\nMessage-ID: <q1@ailleurs.test>\r\n\r\nBonjour, une question.\r\n", robot, s.w.Commune.Email)
	fixture.Must(t, smtp.SendMail(addr, nil, robot, []string{s.w.Commune.Email}, []byte(first)))
	for round := range 3 {
		out := toRobot()
		if len(out) != 1 {
			t.Fatalf("round %d: Guichet sent %d mails to the responder, want 1", round, len(out))
		}
		built, err := mail.Build(mail.Message{From: "Mairie <" + s.w.Commune.Email + ">", To: out[0].Recipient, Subject: out[0].Subject,
			Text: out[0].BodyText, MessageID: out[0].MessageID, ThreadID: out[0].ThreadID, ReplyTo: out[0].ReplyTo})
		fixture.Must(t, err)
		if !strings.Contains(string(built), "Auto-Submitted: auto-generated") {
			t.Fatal("Guichet's mail does not say it is automatic")
		}
		// The responder answers whatever it gets, saying it is automatic.
		reply := fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: Re: %s\r\nMessage-ID: <auto%d@ailleurs.test>\r\nIn-Reply-To: <%s>\r\nAuto-Submitted: auto-replied\r\n\r\nMessage automatique.\r\n",
			robot, out[0].ReplyTo, out[0].Subject, round, out[0].MessageID)
		fixture.Must(t, smtp.SendMail(addr, nil, "", []string{out[0].ReplyTo}, []byte(reply)))
	}
	var statuses []string
	fixture.Must(t, s.w.DB.NewSelect().Model((*models.InboundMessage)(nil)).Column("status").Where("commune_id = ?", s.w.Commune.ID).Order("id").Scan(ctx, &statuses))
	if strings.Join(statuses, ",") != "threaded,auto_reply,auto_reply,auto_reply" {
		t.Fatalf("statuses %v", statuses)
	}
}
