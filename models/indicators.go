package models

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// The supervisor's indicators: how each service keeps up, how often demands
// go back and forth, how many arrive for each procedure.

// ServiceStats is how one service is doing.
type ServiceStats struct {
	ServiceID int64
	Name      string
	Active    bool
	// Held is the number of demands with the service now; OldestSince is when
	// the longest held of them was transferred to it.
	Held        int
	OldestSince *time.Time
	// Decided counts the demands the service accepted or refused in the
	// period; the times run from the transfer to the decision.
	Decided    int
	AvgSeconds *float64
	P90Seconds *float64
	Returned   int // demands it sent back to the accueil (wrong routing) in the period
}

// ServiceIndicators computes every service's figures, over the transfers
// made since the given time; a service holds the demands in the held states.
func ServiceIndicators(ctx context.Context, db bun.IDB, communeID int64, held []string, since time.Time) ([]ServiceStats, error) {
	var out []ServiceStats
	err := db.NewRaw(`
SELECT s.id AS service_id, s.name, s.active,
       coalesce(h.held, 0) AS held, h.oldest_since,
       count(a.id) FILTER (WHERE a.ended_reason = 'decided') AS decided,
       avg(extract(epoch FROM a.ended_at - a.created_at)) FILTER (WHERE a.ended_reason = 'decided') AS avg_seconds,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM a.ended_at - a.created_at))
           FILTER (WHERE a.ended_reason = 'decided') AS p90_seconds,
       count(a.id) FILTER (WHERE a.ended_reason = 'returned') AS returned
FROM services AS s
LEFT JOIN LATERAL (
    SELECT count(*) AS held, min(x.created_at) AS oldest_since
    FROM demands AS d JOIN assignments AS x ON x.id = d.assignment_id
    WHERE d.commune_id = s.commune_id AND d.service_id = s.id AND d.state IN (?2)
) AS h ON true
LEFT JOIN assignments AS a ON a.commune_id = s.commune_id AND a.service_id = s.id AND a.created_at >= ?1
WHERE s.commune_id = ?0
GROUP BY s.id, s.name, s.active, h.held, h.oldest_since
ORDER BY s.name, s.id`, communeID, since, bun.In(held)).Scan(ctx, &out)
	return out, err
}

// BackAndForth counts, over the transfers made since the given time, the
// demands that went to a service and came back to the accueil, and those
// transferred more than once.
func BackAndForth(ctx context.Context, db bun.IDB, communeID int64, since time.Time) (returned, retransferred int, err error) {
	err = db.NewRaw(`
SELECT count(*) FILTER (WHERE r > 0), count(*) FILTER (WHERE n > 1)
FROM (
    SELECT demand_id, count(*) AS n, count(*) FILTER (WHERE ended_reason = 'returned') AS r
    FROM assignments WHERE commune_id = ? AND created_at >= ?
    GROUP BY demand_id
) AS t`, communeID, since).Scan(ctx, &returned, &retransferred)
	return returned, retransferred, err
}

// MonthlyVolume is the number of demands of a procedure received in a month.
type MonthlyVolume struct {
	ProcedureID int64
	Title       string
	Month       string // YYYY-MM, in Europe/Paris
	N           int
}

// VolumesByMonth counts the demands received per procedure and month
// (Europe/Paris), since the given time.
func VolumesByMonth(ctx context.Context, db bun.IDB, communeID int64, since time.Time) ([]MonthlyVolume, error) {
	var out []MonthlyVolume
	err := db.NewRaw(`
SELECT p.id AS procedure_id, v.title, to_char(d.submitted_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM') AS month, count(*) AS n
FROM demands AS d JOIN procedures AS p ON p.commune_id = d.commune_id AND p.id = d.procedure_id
JOIN procedure_versions AS v ON v.procedure_id = p.id AND v.number = p.latest
WHERE d.commune_id = ? AND d.submitted_at >= ?
GROUP BY p.id, v.title, month
ORDER BY v.title, p.id, month`, communeID, since).Scan(ctx, &out)
	return out, err
}

// MotifStats is how the demands of one motif fare over a period.
type MotifStats struct {
	MotifID  int64
	Received int // demands of the motif received in the period
	Decided  int // and decided in it
	// MedianSeconds is the median time from receipt to decision of those decided.
	MedianSeconds *float64
	// ReclassifiedIn and ReclassifiedOut count the agents' changes of motif
	// (history entries of kind reclassified) to and from it in the period.
	ReclassifiedIn, ReclassifiedOut int
}

// MotifIndicators computes every motif's figures since the given time;
// reclassified is the history kind of a change of motif.
func MotifIndicators(ctx context.Context, db bun.IDB, communeID int64, since time.Time, reclassified string) (map[int64]MotifStats, error) {
	var rows []MotifStats
	err := db.NewRaw(`
WITH d AS (
    SELECT motif_id,
           count(*) FILTER (WHERE submitted_at >= ?1) AS received,
           count(*) FILTER (WHERE decided_at >= ?1) AS decided,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - submitted_at))
               FILTER (WHERE decided_at >= ?1) AS median_seconds
    FROM demands WHERE commune_id = ?0 AND motif_id IS NOT NULL AND submitted_at IS NOT NULL
    GROUP BY motif_id
), e AS (
    SELECT details->>'to_id' AS to_id, details->>'from_id' AS from_id
    FROM demand_events WHERE commune_id = ?0 AND kind = ?2 AND at >= ?1
)
SELECT m.id AS motif_id, coalesce(d.received, 0) AS received, coalesce(d.decided, 0) AS decided, d.median_seconds,
       (SELECT count(*) FROM e WHERE e.to_id = m.id::text) AS reclassified_in,
       (SELECT count(*) FROM e WHERE e.from_id = m.id::text) AS reclassified_out
FROM motifs AS m LEFT JOIN d ON d.motif_id = m.id
WHERE m.commune_id = ?0`, communeID, since, reclassified).Scan(ctx, &rows)
	out := map[int64]MotifStats{}
	for _, r := range rows {
		out[r.MotifID] = r
	}
	return out, err
}
