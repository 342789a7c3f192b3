<#-- pacha demo: bar's post-hook (runs once every file is back) -->
#!/bin/sh
echo "post-hook on $PACHA_HOST: every file is back; tell the team"
