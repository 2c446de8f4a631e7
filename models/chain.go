package models

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
)

// The history of each commune is a hash chain: every entry (demand_events)
// has its place (Seq, gap-free from 1), the hash of the entry before it
// (PrevHash, ZeroHash for the first) and its own, Link(PrevHash,
// EntryDigest(entry)). It covers what stays of an entry when its free text is
// erased (anonymisation), and ContentHash, the hash of that free text, which
// stays too: an erased entry still verifies, an altered one does not. The
// chain's head (chain_heads) is updated in the entry's own statement, which
// serialises a commune's appends and gives each its place.

// ZeroHash is the previous hash of a chain's first entry.
var ZeroHash = make([]byte, sha256.Size)

// ChainFormat is a version of the chain's encoding: its name, the first
// thing every hash covers, and the keys of an entry's Details that hold what
// people typed (free text: hashed with the message in the content hash,
// left out of the digest's other fields, erased by anonymisation). Either
// changing changes every entry's hash: a new format has a new version, and
// a migration relinks every chain under it (20261201004000_history_chain_v2).
type ChainFormat struct {
	Version     string
	TextDetails []string
}

var (
	// ChainV1 took for free text only a resubmission's old and new values;
	// kept for the migrations that read a chain written in it.
	ChainV1 = ChainFormat{"guichet-history-1", []string{"changes"}}
	// ChainV2 also takes what agents type about the citizen: a transfer's
	// message to the service (workflow.ServiceMessageKey), a forwarding's
	// covering note and an escalation's returned note ("note"), a returned
	// held reply's comment ("comment"), an escalation's problem restated
	// ("problem").
	ChainV2 = ChainFormat{"guichet-history-2", []string{"changes", "service_message", "note", "comment", "problem"}}
	// Chain is the format written and verified.
	Chain = ChainV2
)

// citizenActor is workflow.KindCitizen: a citizen's name is free text (their
// identity), an agent's or a service's stays.
const citizenActor = "citizen"

// ContentHash is the SHA-256 of an entry's free text (Chain).
func ContentHash(e *Event) []byte { return Chain.ContentHash(e) }

// EntryDigest is the digest of an entry (Chain), which Link chains.
func EntryDigest(e *Event) []byte { return Chain.EntryDigest(e) }

// TextIsErased tells whether an entry holds no free text (Chain).
func TextIsErased(e *Event) bool { return Chain.TextIsErased(e) }

// ContentHash is the SHA-256 of an entry's free text: the citizen's name
// when the citizen acted, the message, and the text details.
func (f ChainFormat) ContentHash(e *Event) []byte {
	b := newCanon()
	b.str(f.Version + " content")
	if e.ActorKind == citizenActor {
		b.str(e.ActorName)
	} else {
		b.str("")
	}
	b.str(e.Message)
	text := map[string]any{}
	for _, k := range f.TextDetails {
		if v, ok := e.Details[k]; ok {
			text[k] = v
		}
	}
	b.json(text)
	return b.sum()
}

// EntryDigest is the SHA-256 of the canonical encoding of what stays of an entry
// (every column but its id, its place, its hashes and its free text) and of
// its content hash (ContentHash when it is not set yet).
func (f ChainFormat) EntryDigest(e *Event) []byte {
	if e.ContentHash == nil {
		e.ContentHash = f.ContentHash(e)
	}
	b := newCanon()
	b.str(f.Version)
	b.int(e.CommuneID)
	b.int(e.DemandID)
	b.int(e.ConversationID)
	b.int(e.At.UnixMicro())
	b.str(e.Kind)
	b.str(e.ActorKind)
	if e.ActorID != nil {
		b.int(1)
		b.int(*e.ActorID)
	} else {
		b.int(0)
	}
	if e.ActorKind != citizenActor {
		b.str(e.ActorName)
	} else {
		b.str("")
	}
	b.str(e.Channel)
	b.str(e.FromState)
	b.str(e.ToState)
	b.str(e.Visibility)
	rest := make(map[string]any, len(e.Details))
	for k, v := range e.Details {
		if !slices.Contains(f.TextDetails, k) {
			rest[k] = v
		}
	}
	b.json(rest)
	b.bytes(e.ContentHash)
	return b.sum()
}

// TextIsErased tells whether an entry holds no free text: what an erased
// entry must be, so that marking an entry erased cannot hide an altered text.
func (f ChainFormat) TextIsErased(e *Event) bool {
	if e.Message != "" || (e.ActorKind == citizenActor && e.ActorName != "") {
		return false
	}
	for _, k := range f.TextDetails {
		if _, ok := e.Details[k]; ok {
			return false
		}
	}
	return true
}

// Link is an entry's hash: SHA-256(prev || digest).
func Link(prev, digest []byte) []byte {
	h := sha256.New()
	h.Write(prev)
	h.Write(digest)
	return h.Sum(nil)
}

// canon is a canonical encoding: each value length-prefixed, so that no two
// different entries encode alike.
type canon struct{ buf []byte }

func newCanon() canon { return canon{buf: make([]byte, 0, 512)} }

func (c *canon) bytes(p []byte) {
	c.buf = binary.AppendUvarint(c.buf, uint64(len(p)))
	c.buf = append(c.buf, p...)
}
func (c *canon) str(s string) { c.bytes([]byte(s)) }
func (c *canon) int(n int64)  { c.buf = binary.AppendVarint(c.buf, n) }

// json writes v as JSON in the form it has once read back from jsonb: maps
// by sorted keys, numbers as float64 (what encoding/json decodes them to).
func (c *canon) json(v any) {
	b, err := json.Marshal(v)
	if err == nil && !plain(v) {
		var back any
		if err = json.Unmarshal(b, &back); err == nil {
			b, err = json.Marshal(back)
		}
	}
	if err != nil {
		// Details are written as JSON by the same encoder before the
		// digest is made: what cannot be encoded is never stored.
		panic(fmt.Sprintf("history: details cannot be encoded: %v", err))
	}
	c.bytes(b)
}

func (c *canon) sum() []byte {
	s := sha256.Sum256(c.buf)
	return s[:]
}

// plain tells whether v is made only of what encoding/json decodes into, so
// that its encoding is already the one read back.
func plain(v any) bool {
	switch v := v.(type) {
	case nil, string, float64, bool:
		return true
	case map[string]any:
		for _, x := range v {
			if !plain(x) {
				return false
			}
		}
		return true
	case []any:
		for _, x := range v {
			if !plain(x) {
				return false
			}
		}
		return true
	}
	return false
}

// PrepareEntry readies an entry for its insertion: its date to
// PostgreSQL's precision, and its content hash. It returns the entry's
// digest, which Link chains. The writer (insertEventSQL) and the bench's
// bulk loader use it.
func PrepareEntry(e *Event) ([]byte, error) {
	if e.At.IsZero() {
		return nil, fmt.Errorf("history: entry %q without a date", e.Kind)
	}
	if e.Details == nil {
		e.Details = map[string]any{}
	}
	e.At = e.At.UTC().Truncate(time.Microsecond)
	e.ContentHash = nil
	return EntryDigest(e), nil
}

// insertEventSQL is the statement that appends e to its commune's chain:
// the head is moved (created for the commune's first entry) and the entry
// written with the place and hashes it gives, in one statement that reads
// nothing back but the entry's id. where, when not empty, is a condition
// (SQL, arguments written in) without which nothing is written.
func insertEventSQL(db bun.IDB, e *Event, where string) (string, error) {
	digest, err := PrepareEntry(e)
	if err != nil {
		return "", err
	}
	details, err := json.Marshal(e.Details)
	if err != nil {
		return "", err
	}
	q := db.NewRaw(`WITH head AS (
		INSERT INTO chain_heads AS h (commune_id, seq, prev_hash, hash)
		SELECT ?0, 1, ?1::bytea, sha256(?1::bytea || ?2::bytea) /*where*/
		ON CONFLICT (commune_id) DO UPDATE SET seq = h.seq + 1, prev_hash = h.hash, hash = sha256(h.hash || ?2::bytea)
		RETURNING seq, prev_hash, hash)
	INSERT INTO demand_events (commune_id, demand_id, conversation_id, at, kind, actor_kind, actor_id, actor_name, channel,
		from_state, to_state, message, visibility, details, content_hash, seq, prev_hash, hash)
	SELECT ?0, nullif(?3, 0), nullif(?16, 0), ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14::jsonb, ?15::bytea, head.seq, head.prev_hash, head.hash FROM head
	RETURNING id`,
		e.CommuneID, ZeroHash, digest, e.DemandID, e.At, e.Kind, e.ActorKind, e.ActorID, e.ActorName, e.Channel,
		e.FromState, e.ToState, e.Message, e.Visibility, string(details), e.ContentHash, e.ConversationID)
	// The condition goes in once the arguments are written: bun would read
	// a "?" of its text as a placeholder.
	if where != "" {
		where = "WHERE " + where
	}
	return strings.Replace(q.String(), "/*where*/", where, 1), nil
}

// ChainEntries calls fn with every entry of a commune's chain in the order
// of their places (then ids, so that a duplicated place shows), reading them
// in one pass; fn's error stops it. The entry is reused from call to call.
func ChainEntries(ctx context.Context, tx bun.Tx, communeID int64, fn func(*Event) error) error {
	// Described first, so that PostgreSQL sends the columns in binary, which
	// costs less to read than text (bytea's hexadecimal) at a million rows.
	rows, err := tx.Tx.QueryContext(ctx, `
		SELECT id, commune_id, coalesce(demand_id, 0), coalesce(conversation_id, 0), at, kind, actor_kind, actor_id, actor_name, channel, from_state, to_state,
			message, visibility, details, seq, prev_hash, hash, content_hash, text_erased
		FROM demand_events WHERE commune_id = $1 ORDER BY seq, id`, pgx.QueryExecModeDescribeExec, communeID)
	if err != nil {
		return err
	}
	defer rows.Close()
	var e Event
	var details []byte
	var seq *int64
	for rows.Next() {
		e = Event{}
		if err := rows.Scan(&e.ID, &e.CommuneID, &e.DemandID, &e.ConversationID, &e.At, &e.Kind, &e.ActorKind, &e.ActorID, &e.ActorName, &e.Channel,
			&e.FromState, &e.ToState, &e.Message, &e.Visibility, &details, &seq, &e.PrevHash, &e.Hash, &e.ContentHash,
			&e.TextErased); err != nil {
			return err
		}
		if seq != nil {
			e.Seq = *seq
		}
		if err := json.Unmarshal(details, &e.Details); err != nil {
			return fmt.Errorf("entry %d: details: %w", e.ID, err)
		}
		if err := fn(&e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ChainHead is a commune's chain head: its last entry's place and hash.
type ChainHead struct {
	bun.BaseModel `bun:"table:chain_heads"`

	CommuneID int64 `bun:",pk"`
	Seq       int64
	PrevHash  []byte
	Hash      []byte
}

// EraseEventText erases the free text of a demand's entries (ContentHash):
// the entries keep their content hash, so the chain still verifies, and
// TextErased says the text went on purpose.
func EraseEventText(ctx context.Context, db bun.IDB, communeID, demandID int64) error {
	return eraseEventText(ctx, db, "demand_id", communeID, demandID)
}

// eraseEventText is EraseEventText on the entries of a demand or (col
// conversation_id) a conversation.
func eraseEventText(ctx context.Context, db bun.IDB, col string, communeID, id int64) error {
	_, err := db.NewRaw("UPDATE demand_events SET actor_name = CASE WHEN actor_kind = ? THEN '' ELSE actor_name END, message = '', text_erased = true, details = details - ?::text[] WHERE commune_id = ? AND "+col+" = ?",
		citizenActor, pgdialect.Array(Chain.TextDetails), communeID, id).Exec(ctx)
	return err
}

// SameHash compares two hashes.
func SameHash(a, b []byte) bool { return bytes.Equal(a, b) }

// Seal is a day's signed digest of a commune's chain head (audit.Sealer).
type Seal struct {
	bun.BaseModel `bun:"table:history_seals"`

	CommuneID int64     `bun:",pk"`
	Day       time.Time `bun:",pk,type:date"`
	Seq       int64
	Hash      []byte
	SignedAt  time.Time
	PublicKey []byte
	Signature []byte
	Verified  bool
	Problem   string `bun:",notnull"`
}

// Seals lists a commune's signed digests, by day.
func Seals(ctx context.Context, db bun.IDB, communeID int64) ([]Seal, error) {
	var ss []Seal
	err := db.NewSelect().Model(&ss).Where("commune_id = ?", communeID).Order("day").Scan(ctx)
	return ss, err
}

// AddSeal keeps a day's signed digest, unless the day has one; it reports
// whether it did.
func AddSeal(ctx context.Context, db bun.IDB, s *Seal) (bool, error) {
	res, err := db.NewInsert().Model(s).On("CONFLICT (commune_id, day) DO NOTHING").Exec(ctx)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// LastSeals are a commune's last signed digest, and its last one whose
// verification passed (nil: none).
func LastSeals(ctx context.Context, db bun.IDB, communeID int64) (last, verified *Seal, err error) {
	var ss []Seal
	err = db.NewRaw(`(SELECT * FROM history_seals WHERE commune_id = ? ORDER BY day DESC LIMIT 1)
		UNION ALL (SELECT * FROM history_seals WHERE commune_id = ? AND verified ORDER BY day DESC LIMIT 1)`, communeID, communeID).Scan(ctx, &ss)
	if err != nil || len(ss) == 0 {
		return nil, nil, err
	}
	last = &ss[0]
	if len(ss) == 2 {
		verified = &ss[1]
	}
	return last, verified, nil
}
