/// MeterIngest: serial meters (Modbus RTU, DL/T 645-2007) and interval energy (SPEC §8).
public enum MeterIngestModule {}
