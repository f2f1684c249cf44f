# Script mode, run after linking the mps2-an385 image: writes <image>.id (the build id the
# firmware reports: the first 16 hex digits of the GNU build-id note, a hash of the linked
# image) and prints the section sizes.
#   cmake -DELF=... -DREADELF=... -DSIZE=... -DOUT_DIR=... -P mps2_post_build.cmake
execute_process(COMMAND "${READELF}" -n "${ELF}" OUTPUT_VARIABLE notes RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "readelf failed on ${ELF}")
endif()
string(REGEX MATCH "Build ID: ([0-9a-f]+)" _ "${notes}")
if(NOT CMAKE_MATCH_1)
  message(FATAL_ERROR "${ELF} has no GNU build-id note")
endif()
string(SUBSTRING "${CMAKE_MATCH_1}" 0 16 id)
get_filename_component(stem "${ELF}" NAME_WE)
file(WRITE "${OUT_DIR}/${stem}.id" "${id}\n")
if(SIZE)
  execute_process(COMMAND "${SIZE}" "${ELF}" OUTPUT_VARIABLE sizes)
  message("${sizes}build id ${id}")
endif()
