// Placeholder: the typed LP layer lands here.
