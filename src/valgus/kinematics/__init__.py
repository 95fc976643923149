"""Pure kinematics: filtering, angles, separation ratios, repetitions (numpy/scipy, no I/O)."""
