"""Pure domain model: value objects, entities and the rules of the rules document."""
