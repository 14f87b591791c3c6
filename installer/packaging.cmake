# Installation layout and the Debian package (cpack -G DEB). Included from the top-level CMakeLists.
include(GNUInstallDirs)

install(FILES ${PROJECT_SOURCE_DIR}/resources/sample/sample_pairs.jsonl
        DESTINATION ${CMAKE_INSTALL_DATADIR}/ranker-studio/sample)
if(RANKER_BUILD_GUI)
  install(FILES ${PROJECT_SOURCE_DIR}/resources/ranker-studio.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
  foreach(size 16 24 32 48 64 128 256)
    install(FILES ${PROJECT_SOURCE_DIR}/resources/icons/ranker-studio-${size}.png
            DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps RENAME ranker-studio.png)
  endforeach()
  install(FILES ${PROJECT_SOURCE_DIR}/resources/icons/ranker-studio.svg
          DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
endif()

set(CPACK_PACKAGE_NAME "ranker-studio")
set(CPACK_PACKAGE_VENDOR "Ranker Studio")
set(CPACK_PACKAGE_CONTACT "Ranker Studio developers <ranker-studio@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "ranker-studio")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "Training studio for a pairwise ranking model
 Review pairwise preference labels, train a LibTorch ranking model by point and
 click with live charts, export it as .pth and ONNX, and compare runs.
 Includes ranker-train and ranker-rank for headless use.")
# Shared-library dependencies (LibTorch, Qt 6, ONNX, protobuf, simdjson, OpenSSL) are found by
# dpkg-shlibdeps; OpenBLAS is loaded by LibTorch through libblas.so.3, which shlibdeps cannot see.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libopenblas0-openmp | libopenblas0")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "python3-torch, python3-onnx")
set(CPACK_GENERATOR "DEB")
include(CPack)
