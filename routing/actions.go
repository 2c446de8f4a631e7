package routing

// The kinds of action (models.RuleAction.Kind).
const (
	ActionTeam     = "team"     // the demand's team: the accueil (ServiceID 0) or a service
	ActionAgent    = "agent"    // the agent it is assigned to
	ActionTransfer = "transfer" // proposed, or made where the procedure allows it (Auto)
	ActionTags     = "tags"
	ActionPriority = "priority"
	ActionDeadline = "deadline_policy" // a deadline policy (PolicyID), applied from the receipt
	ActionReply    = "reply"           // a saved reply sent to the citizen: conversations only
)

// Priorities, by their stored value (models.Demand.Priority).
var Priorities = []struct {
	Value int16
	Label string
}{{1, "Basse"}, {2, "Normale"}, {3, "Haute"}, {4, "Urgente"}}

// PriorityLabel is a priority's French name, "" for none.
func PriorityLabel(p int16) string {
	for _, x := range Priorities {
		if x.Value == p {
			return x.Label
		}
	}
	return ""
}
