-- Password reset requests, queued by the request whatever the address, so
-- that the answer costs the same for an agent's address and an unknown one;
-- the mail worker turns each into a reset mail, or into nothing, and
-- deletes it.
CREATE TABLE reset_requests (
    id         bigserial PRIMARY KEY,
    email      text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
