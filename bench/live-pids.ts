/** The PIDs the live-data benches poll, and their data lengths (SAE J1979), so every row reads the same items. */
export const PID_LENGTH: Record<number, number> = {
  4: 1,
  5: 1,
  11: 1,
  12: 2,
  13: 1,
  15: 1,
  16: 2,
  17: 1,
  31: 2,
  47: 1,
  66: 2,
  70: 1,
};

/** 1, 6 and 12 engine PIDs: one request, one full request of six, two of six. */
export const PID_SETS: Record<string, number[]> = {
  '1 PID': [0x0c],
  '6 PIDs': [0x04, 0x05, 0x0c, 0x0d, 0x0f, 0x11],
  '12 PIDs': [0x04, 0x05, 0x0b, 0x0c, 0x0d, 0x0f, 0x10, 0x11, 0x1f, 0x2f, 0x42, 0x46],
};
