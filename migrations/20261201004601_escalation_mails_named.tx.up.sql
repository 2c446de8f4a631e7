-- The mails of an escalation about a conversation without a demand, sent
-- before 20261201004002 named their escalation, name nothing: they are
-- found by their subject (notify.Escalated, EscalationEnded: a fixed
-- opening, the conversation's reference in brackets at the end) and given
-- an escalation of that conversation, so that its erasure finds them.
UPDATE outbox_mails m SET escalation_id = e.id
FROM escalations e JOIN conversations cv ON cv.commune_id = e.commune_id AND cv.id = e.conversation_id
WHERE m.escalation_id IS NULL AND m.demand_id IS NULL AND m.conversation_id IS NULL AND m.experience_id IS NULL
  AND m.commune_id = e.commune_id
  AND (m.subject LIKE 'Escalade au niveau 2 : %' OR m.subject LIKE 'Escalade envoyée : %'
       OR m.subject LIKE 'Escalade renvoyée par le niveau 2 : %' OR m.subject LIKE 'Le niveau 2 a répondu : %')
  AND right(m.subject, length(cv.reference) + 2) = '[' || cv.reference || ']';

-- Those whose conversation was anonymised meanwhile are erased now, as
-- models.eraseMailsAndRatings erases a conversation's: those not sent go,
-- the others lose their texts and recipients.
DELETE FROM outbox_mails m USING escalations e, conversations cv
WHERE m.escalation_id = e.id AND m.commune_id = e.commune_id AND cv.commune_id = e.commune_id AND cv.id = e.conversation_id
  AND cv.anonymised_at IS NOT NULL AND m.status = 'pending';
UPDATE outbox_mails m SET recipient = '', subject = '', body_text = '', body_html = '', last_error = '', bounce = ''
FROM escalations e JOIN conversations cv ON cv.commune_id = e.commune_id AND cv.id = e.conversation_id
WHERE m.escalation_id = e.id AND m.commune_id = e.commune_id AND cv.anonymised_at IS NOT NULL AND m.subject <> '';
