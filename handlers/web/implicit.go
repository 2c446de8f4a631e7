package web

import (
	"fmt"
	"slices"

	"guichet/calendar"
	"guichet/legal"
	"guichet/models"
	"guichet/workflow"
)

// Deadline is a demand's implicit decision as the lists and the demand
// page show it: its day, and a warning when it nears or has come.
type Deadline struct {
	Date    string // "02/02/2027"; empty: none
	Warning string // "échéance dans 3 jours"…
	Urgent  bool   // the warning is to be seen
}

// ImplicitDeadline words d's implicit decision as of today.
func ImplicitDeadline(d *models.Demand, today calendar.Date) Deadline {
	days, warn, ok := workflow.ImplicitDue(d, today)
	if !ok {
		return Deadline{}
	}
	born, _ := models.Day(d.ImplicitDecisionOn)
	dl := Deadline{Date: legal.Day(born), Urgent: warn}
	switch {
	case d.DecidedAt != nil:
	case slices.Contains(workflow.Suspended, d.State):
		dl.Warning = "délai suspendu pendant la correction"
	case days <= 0:
		dl.Warning = "décision implicite née"
	case days == 1:
		dl.Warning = "échéance demain"
	case warn:
		dl.Warning = fmt.Sprintf("échéance dans %d jours", days)
	}
	return dl
}
