/// Clearing: market model, input parsing and the clearing mechanisms (SPEC §2–3).
public enum ClearingModule {}
