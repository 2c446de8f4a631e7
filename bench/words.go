package bench

// Small French word lists: enough variety for realistic text search
// selectivity (a surname matches about one demand in a few hundred, a
// category word one in ten), small enough to read.

var firstNames = []string{
	"Marie", "Jean", "Camille", "Nicolas", "Julie", "Thomas", "Léa", "Pierre", "Sophie", "Antoine",
	"Chloé", "Julien", "Manon", "Mathieu", "Émilie", "François", "Inès", "Hugo", "Céline", "Lucas",
	"Nathalie", "Étienne", "Sarah", "Olivier", "Hélène", "Benoît", "Zoé", "Karim", "Amina", "Yann",
	"Aurélie", "Rémi", "Claire", "Mehdi", "Louise", "Gaëlle", "Bernard", "Agnès", "Théo", "Mélanie",
}

var lastNames = []string{
	"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
	"Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
	"Morel", "Girard", "André", "Lefebvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez",
	"Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas",
	"Perrin", "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin",
	"Masson", "Sanchez", "Gérard", "Nguyen", "Boyer", "Denis", "Lemaire", "Duval", "Joly", "Gautier",
	"Roger", "Roche", "Roy", "Noël", "Meyer", "Lucas", "Meunier", "Jean", "Perez", "Marchand",
	"Dufour", "Blanchard", "Marie", "Barbier", "Brun", "Dumas", "Brunet", "Schmitt", "Leroux", "Colin",
	"Fernandez", "Pierre", "Renard", "Arnaud", "Rolland", "Caron", "Aubert", "Giraud", "Leclerc", "Vidal",
	"Bourgeois", "Renaud", "Lemoine", "Picard", "Gaillard", "Philippe", "Leclercq", "Lacroix", "Fabre", "Dupuis",
	"Olivier", "Rodriguez", "Da Silva", "Hubert", "Louis", "Charles", "Guillot", "Rivière", "Le Gall", "Guillaume",
	"Adam", "Rey", "Moulin", "Gonzalez", "Berger", "Lecomte", "Menard", "Fleury", "Deschamps", "Carpentier",
	"Julien", "Benoît", "Paris", "Maillard", "Marchal", "Aubry", "Vasseur", "Le Roux", "Renault", "Jacquet",
	"Collet", "Prévost", "Poirier", "Charpentier", "Royer", "Huet", "Baron", "Dupuy", "Pons", "Paul",
	"Laine", "Carré", "Breton", "Rémy", "Schneider", "Perrot", "Guyot", "Barre", "Marty", "Cousin",
}

var mailDomains = []string{"laposte.net", "orange.fr", "gmail.com", "free.fr", "sfr.fr", "wanadoo.fr", "outlook.fr", "yahoo.fr"}

var streetKinds = []string{"rue", "rue", "rue", "avenue", "boulevard", "place", "impasse", "chemin", "allée", "quai", "route"}

var streetNames = []string{
	"Victor Hugo", "Jean Jaurès", "de la République", "du Général de Gaulle", "Pasteur", "Gambetta",
	"de la Gare", "de l'Église", "des Écoles", "du Moulin", "de la Mairie", "Jules Ferry", "Émile Zola",
	"des Lilas", "des Tilleuls", "du Château", "de la Fontaine", "des Acacias", "Voltaire", "Carnot",
	"de Verdun", "du 8 Mai 1945", "de la Libération", "Anatole France", "Louis Pasteur", "Aristide Briand",
	"des Peupliers", "du Stade", "de la Poste", "Saint-Martin", "des Vignes", "du Marché", "Paul Bert",
	"Clemenceau", "de la Paix", "des Roses", "du Pont", "Jean Moulin", "Molière", "des Cerisiers",
}

// communeNames are fictional or common French town names; a suffix makes
// them unique when more communes are asked for.
var communeNames = []string{
	"Beaumont-sur-Orge", "Saint-Julien-les-Vignes", "Villeneuve-la-Rivière", "Montreuil-Bellay", "Fontenay-le-Vieux",
	"Châteauneuf-du-Lac", "Sainte-Marie-des-Champs", "Bourg-la-Reine-Haute", "Mirebeau-sur-Loire", "Roquebrune-les-Pins",
	"Pontivy-le-Bourg", "Aubagne-la-Neuve", "Lunel-Vieil", "Charmes-sur-Meuse", "Vaux-le-Moulin",
	"Saint-Amand-les-Eaux", "Clairvaux-les-Lacs", "Montaigu-la-Forêt", "Beaulieu-sur-Mer", "Val-d'Ormeaux",
}

var services = []struct{ Name, Mail string }{
	{"Voirie", "voirie"}, {"Urbanisme", "urbanisme"}, {"État civil", "etat-civil"},
	{"Propreté", "proprete"}, {"Espaces verts", "espaces-verts"},
}

// problem sentences of a "signalement", by category (the procedure's choice options).
var problems = map[string][]string{
	"Éclairage public": {
		"Le lampadaire situé devant le numéro %d est éteint depuis plusieurs jours.",
		"L'éclairage public clignote toute la nuit à hauteur du numéro %d.",
		"Trois réverbères ne s'allument plus, le trottoir est plongé dans le noir.",
	},
	"Voirie et trottoirs": {
		"Un nid-de-poule dangereux s'est formé sur la chaussée près du numéro %d.",
		"Le trottoir est affaissé et des pavés se sont détachés.",
		"Une plaque d'égout bouge au passage des voitures.",
	},
	"Propreté": {
		"Un dépôt sauvage d'encombrants (matelas, cartons) bloque le trottoir.",
		"Les poubelles débordent depuis le passage manqué de la collecte.",
		"Des tags ont été peints sur le mur de l'école.",
	},
	"Signalisation": {
		"Le panneau stop est tombé à l'angle de la rue.",
		"Le marquage du passage piéton est effacé devant le numéro %d.",
		"Le feu tricolore reste bloqué au rouge.",
	},
	"Espaces verts": {
		"Une branche cassée menace de tomber sur l'aire de jeux.",
		"La haie déborde sur le trottoir et gêne le passage des poussettes.",
		"Les bancs du square sont abîmés.",
	},
	"Autre": {
		"Une fuite d'eau importante coule sur la chaussée devant le numéro %d.",
		"Des chiens errants sont signalés près du parc.",
		"Le banc public a été arraché pendant la nuit.",
	},
}

var sinceWhen = []string{
	"Cela dure depuis une semaine.", "Constaté ce matin en allant au travail.",
	"Plusieurs voisins l'ont déjà remarqué.", "Merci d'intervenir rapidement, c'est dangereux pour les enfants.",
	"", "",
}

var refusalMotives = []string{
	"L'emplacement demandé est déjà réservé pour le marché hebdomadaire.",
	"La demande relève de la compétence du département : adressez-vous au conseil départemental.",
	"Les pièces justificatives ne permettent pas d'instruire la demande.",
	"Le problème signalé se trouve sur une voie privée.",
}

var correctionMessages = []string{
	"Merci de joindre une attestation d'assurance en cours de validité.",
	"Pouvez-vous préciser l'adresse exacte (numéro et rue) ?",
	"Le plan de situation est illisible : merci d'en fournir un nouveau.",
	"Merci d'indiquer les dates précises de l'occupation.",
}

var returnReasons = []string{
	"Ce signalement concerne la propreté, pas la voirie.",
	"Mauvais aiguillage : la demande relève de l'urbanisme.",
	"Hors de notre périmètre, merci de réorienter.",
}

// helpSubjects are what a commune's help articles are about, and
// helpSentences what they say of each (%s: the subject): the bench's
// articles pair one with a few of the other.
var helpSubjects = []string{
	"cantine scolaire", "crèche municipale", "piscine", "médiathèque", "carte d'identité", "passeport", "permis de construire",
	"déclaration préalable de travaux", "inscription sur les listes électorales", "recensement citoyen", "acte de naissance",
	"livret de famille", "mariage civil", "PACS", "reconnaissance anticipée", "cimetière communal", "concession funéraire",
	"salle des fêtes", "marché hebdomadaire", "stationnement résidentiel", "fourrière", "objets trouvés", "déchetterie",
	"collecte des encombrants", "composteur", "bac jaune", "taxe de séjour", "centre de loisirs", "accueil périscolaire",
	"transport scolaire", "aide sociale", "portage de repas", "logement social", "jardins familiaux", "terrasse de café",
	"enseigne commerciale", "chien dangereux", "bruit de voisinage", "élagage des arbres", "déneigement des trottoirs",
}

var helpSentences = []string{
	"%s : la demande se fait en ligne ou à l'accueil de la mairie.",
	"%s : munissez-vous d'un justificatif de domicile de moins de trois mois.",
	"%s : les tarifs sont votés chaque année par le conseil municipal.",
	"%s : le service chargé reçoit sur rendez-vous du lundi au vendredi.",
	"%s : comptez deux à quatre semaines de délai.",
	"%s : le formulaire est disponible sur le portail de la commune.",
	"%s : les horaires changent pendant les vacances scolaires.",
	"%s : en cas de refus, vous pouvez former un recours gracieux.",
}
