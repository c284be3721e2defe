package emulator

// Env starts every emulator (or uses the services the standard variables
// name) and returns the shell assignments that point SDKs and these tests
// at them: AWS_ENDPOINT_URL_S3, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
// AWS_REGION, STORAGE_EMULATOR_HOST and AZURE_STORAGE_CONNECTION_STRING.
// Call [Stop] when done. The emulators command's env mode uses it.
func Env() ([][2]string, error) {
	s3, err := s3Env()
	if err != nil {
		return nil, err
	}
	gcs, err := gcsEnv()
	if err != nil {
		return nil, err
	}
	az, err := azureEnv()
	if err != nil {
		return nil, err
	}
	return [][2]string{
		{"AWS_ENDPOINT_URL_S3", s3.Endpoint},
		{"AWS_ACCESS_KEY_ID", s3.AccessKey},
		{"AWS_SECRET_ACCESS_KEY", s3.SecretKey},
		{"AWS_REGION", s3.Region},
		{"STORAGE_EMULATOR_HOST", gcs.Host},
		{"AZURE_STORAGE_CONNECTION_STRING", az.ConnectionString},
	}, nil
}
