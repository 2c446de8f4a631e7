-- The mails of an escalation (to level 2, to the referent) name it, so that
-- anonymising what it is about erases them: an escalated conversation's
-- mails name no conversation (a reply to them must not thread into it).
ALTER TABLE outbox_mails ADD COLUMN escalation_id bigint;
