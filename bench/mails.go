package bench

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"guichet/models"
)

// mailRow is one mail the seed writes as sent: what notify enqueues for a
// demand (its acknowledgement, its decision) or a conversation (an agent's
// reply), with texts the size of notify's (about 0.9 kB of text and 2 kB
// of HTML), so that the outbox weighs at a million demands what it would.
type mailRow struct {
	communeID                int64
	demandID, conversationID *int64
	to, subject, text        string
	at                       any
}

// mailHTML wraps a text as notify's layout does, at its size.
const mailHTML = `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>%s</title></head>` +
	`<body style="margin:0;padding:0;background:#f6f6f6;font-family:Marianne,Arial,sans-serif">` +
	`<table role="presentation" width="100%%" cellpadding="0" cellspacing="0"><tr><td align="center">` +
	`<table role="presentation" width="600" style="background:#fff;border:1px solid #ddd"><tr><td style="padding:24px">` +
	`<p style="font-size:16px;line-height:1.5;color:#161616">%s</p></td></tr></table></td></tr></table></body></html>`

// copyMails copies the chunk's sent mails into outbox_mails and returns
// how many it wrote.
func copyMails(ctx context.Context, tx pgx.Tx, ds []demandRow, cvs []convRow) (int64, error) {
	var mails []mailRow
	for i := range ds {
		d := &ds[i]
		if d.SubmittedAt == nil {
			continue
		}
		id := d.ID
		mails = append(mails, mailRow{d.CommuneID, &id, nil, d.CitizenEmail, "Accusé de réception de votre demande " + d.Reference,
			mailText(d.CitizenName, d.Reference), *d.SubmittedAt})
		if d.DecidedAt != nil {
			mails = append(mails, mailRow{d.CommuneID, &id, nil, d.CitizenEmail, "Décision sur votre demande " + d.Reference,
				mailText(d.CitizenName, d.Reference), *d.DecidedAt})
		}
	}
	for i := range cvs {
		cv := &cvs[i]
		if len(cv.messages) < 2 {
			continue
		}
		id := cv.ID
		mails = append(mails, mailRow{cv.CommuneID, cv.DemandID, &id, cv.CitizenEmail, fmt.Sprintf("Re: %s [%s]", cv.Subject, cv.Reference),
			cv.messages[1].Body + "\n\n" + mailText(cv.CitizenName, cv.Reference), cv.messages[1].CreatedAt})
	}
	ids, err := nextIDs(ctx, tx, "outbox_mails", len(mails))
	if err != nil {
		return 0, err
	}
	rows := make([][]any, len(mails))
	for i, m := range mails {
		rows[i] = []any{ids[i], m.communeID, m.demandID, m.conversationID, m.to, m.subject, m.text,
			fmt.Sprintf(mailHTML, m.subject, strings.ReplaceAll(m.text, "\n", "<br>")),
			fmt.Sprintf("<seed-%d@guichet.invalid>", ids[i]), models.MailSent, 1, m.at, m.at, m.at}
	}
	return copyTables(ctx, tx, []tableRows{{"outbox_mails", []string{"id", "commune_id", "demand_id", "conversation_id", "recipient", "subject",
		"body_text", "body_html", "message_id", "status", "attempts", "next_attempt_at", "created_at", "sent_at"}, rows}})
}

// mailText is a mail's text, of notify's length.
func mailText(name, ref string) string {
	return "Bonjour " + name + ",\n\nLa mairie a bien reçu votre demande, enregistrée sous la référence " + ref +
		". Vous pouvez la suivre à tout moment depuis le lien personnel ci-dessous, sans créer de compte : vous y verrez " +
		"son état, les messages de la mairie et, le cas échéant, les pièces à compléter.\n\nLa date de réception figure " +
		"sur le récépissé joint à ce lien ; elle fait courir le délai au terme duquel le silence de l'administration vaut " +
		"décision, dans les cas prévus par le code des relations entre le public et l'administration.\n\nPour toute question, " +
		"répondez simplement à ce message : votre réponse arrivera au guichet unique de la mairie, qui vous répondra.\n\n" +
		"Cordialement,\nL'accueil du guichet unique\n\nCe message vous est adressé parce que vous avez déposé une demande " +
		"en ligne. Vos données sont traitées par la commune pour instruire votre demande et conservées le temps prévu par " +
		"ses règles de conservation ; la page « Données personnelles » du site dit comment exercer vos droits."
}
