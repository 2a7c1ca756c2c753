// UVFITS -> Measurement Set through casacore's MSFitsInput (what CASA's importuvfits runs).
#include <casacore/msfits/MSFits/MSFitsInput.h>
#include <iostream>
int main(int argc, char** argv) {
  if (argc != 3) { std::cerr << "usage: uvfits2ms IN.uvfits OUT.ms\n"; return 2; }
  try {
    casacore::MSFitsInput in(argv[2], argv[1]);
    in.readFitsFile();
  } catch (const std::exception& e) { std::cerr << "uvfits2ms: " << e.what() << "\n"; return 1; }
  return 0;
}
