<#-- pacha demo: bar's pre-hook (runs before any file is placed) -->
#!/bin/sh
echo "pre-hook on $PACHA_HOST: install packages, create users (files are not placed yet)"
